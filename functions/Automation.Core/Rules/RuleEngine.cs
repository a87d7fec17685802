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

    private readonly TimeProvider _time;

    public RuleEngine(RuleSet rules, IRuleStateStore store, TimeProvider time, DecisionScope scope, bool dryRun)
    {
        Rules = rules;
        _time = time;
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

    /// <summary>At most this many incidents resolved by a scheduled sweep; the rest by the next one.</summary>
    internal const int SweepLimit = 100;

    /// <summary>At most this many incidents resolved after a batch, whose time belongs to its actions.</summary>
    internal const int BatchLimit = 10;

    /// <summary>A batch looks for quiet incidents at most this often per Lambda environment; the schedule covers the rest.</summary>
    internal static readonly TimeSpan BatchSweepInterval = TimeSpan.FromSeconds(30);

    private DateTimeOffset _nextBatchSweep = DateTimeOffset.MinValue;

    /// <summary>The resolved decisions of incidents that went quiet (docs/rules.md "Recovery"), for a scheduled sweep.</summary>
    public Task<IReadOnlyList<Decision>> ResolveQuietAsync(Invocation invocation, CancellationToken cancellationToken) =>
        _decisions.ResolveQuietAsync(invocation, SweepLimit, cancellationToken);

    /// <summary>
    /// The same after a batch: a few, and at most every <see cref="BatchSweepInterval"/> in this environment, so batches
    /// of every partition do not all query the function's incidents.
    /// </summary>
    public Task<IReadOnlyList<Decision>> ResolveQuietAfterBatchAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextBatchSweep)
        {
            return Task.FromResult<IReadOnlyList<Decision>>([]);
        }
        _nextBatchSweep = now + BatchSweepInterval;
        return _decisions.ResolveQuietAsync(invocation, BatchLimit, cancellationToken);
    }
}
