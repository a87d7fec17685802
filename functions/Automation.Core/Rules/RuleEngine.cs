using Automation.Core.Logs;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Matching;
using Automation.Core.State;

namespace Automation.Core.Rules;

/// <summary>
/// The rules, compiled once at INIT, applied to a batch: match every record in one pass, then decide per group.
/// The functions and the CLI's `test` and `invoke` all run this, so offline results are production results.
/// </summary>
public sealed class RuleEngine
{
    private readonly RuleMatcher _matcher;
    private readonly DecisionMaker _decisions;

    public RuleEngine(RuleSet rules, IRuleStateStore store, TimeProvider time, DecisionScope scope, bool dryRun)
    {
        Rules = rules;
        _matcher = RuleMatcher.Compile(rules);
        _decisions = new DecisionMaker(rules, store, time, scope, dryRun);
    }

    public RuleSet Rules { get; }

    public async Task<RuleEvaluation> EvaluateAsync(IReadOnlyList<LogRecord> records, Invocation invocation, CancellationToken cancellationToken)
    {
        var matches = new BatchMatches(Rules.Rules.Count);
        _matcher.Match(records, matches);
        var decisions = await _decisions.DecideAsync(records, matches, invocation, cancellationToken).ConfigureAwait(false);
        return new RuleEvaluation(matches, decisions);
    }

    /// <summary>The resolved decisions of incidents that went quiet (docs/rules.md "Recovery"); none without rules that resolve.</summary>
    public Task<IReadOnlyList<Decision>> ResolveQuietAsync(Invocation invocation, CancellationToken cancellationToken) =>
        _decisions.ResolveQuietAsync(invocation, cancellationToken);
}
