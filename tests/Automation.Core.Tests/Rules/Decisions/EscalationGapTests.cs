using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Matching;
using Automation.Core.State;
using Microsoft.Extensions.Time.Testing;
using static Automation.Core.Tests.Rules.Decisions.TestRules;

namespace Automation.Core.Tests.Rules.Decisions;

/// <summary>
/// An escalating rule without a threshold groups its matches by its own action's target, which need not name the
/// earlier step's target: a rollback to one repository groups the lines of every pod together, while the restart it
/// escalates after is per pod.
/// </summary>
public sealed class EscalationGapTests
{
    private const string Rules = """
        version: 1
        rules:
          - id: restart-pod
            match: { contains: OutOfMemoryError }
            cooldown: 10m
            actions:
              - type: restart_pod
          - id: rollback
            match: { contains: OutOfMemoryError }
            cooldown: 1h
            escalate_after: { rule: restart-pod, within: 15m, still_matching: 3 }
            actions:
              - type: github_workflow
                repo: acme/payments
                workflow: rollback.yml
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRuleStateStore _store = new();
    private readonly RuleSet _rules = RulesLoader.Parse(Rules, "rules.yaml");
    private long _offset;

    private async Task<IReadOnlyList<Decision>> Batch(string function, int rule, params string[] pods)
    {
        var records = pods.Select(pod => Record(pod, _time.GetUtcNow(), offset: _offset++)).ToList();
        var matches = new BatchMatches(_rules.Rules.Count);
        for (var i = 0; i < records.Count; i++)
        {
            matches.Add(rule, i);
        }
        var requestId = $"request-{_offset}";
        var decisions = await new DecisionMaker(_rules, _store, _time, DecisionScope.ForFunction(function), dryRun: false)
            .DecideAsync(records, matches, new Invocation(requestId, _time.GetUtcNow().AddMinutes(1)), CancellationToken.None);
        foreach (var fired in decisions.Where(d => d.Outcome == DecisionOutcome.Fired))
        {
            await new ActionLedger(_store, _time).RecordAsync(fired, requestId, LedgerState.Succeeded, "done", release: false, links: null, CancellationToken.None);
        }
        return decisions;
    }

    [Fact]
    public async Task Lines_of_other_pods_do_not_count_as_the_restarted_pod_still_failing()
    {
        await Batch(ActionCatalog.PodRestartFunction, 0, "api-1");
        _time.Advance(TimeSpan.FromSeconds(5));

        // Three lines of a pod never restarted, then one of the restarted pod: api-1 matched once since its restart.
        var decisions = await Batch(ActionCatalog.RollbackFunction, 1, "api-2", "api-2", "api-2", "api-1");

        Assert.NotEmpty(decisions);
        Assert.All(decisions, d => Assert.Equal(DecisionOutcome.NotEscalated, d.Outcome));
    }

    [Fact]
    public async Task Lines_of_the_restarted_pod_count_whichever_pod_logged_last()
    {
        await Batch(ActionCatalog.PodRestartFunction, 0, "api-1");
        _time.Advance(TimeSpan.FromSeconds(5));

        // api-1 matched three times since its restart; a line of another pod comes last in the batch.
        var decisions = await Batch(ActionCatalog.RollbackFunction, 1, "api-1", "api-1", "api-1", "api-2");

        Assert.Contains(decisions, d => d.Outcome == DecisionOutcome.Fired);
    }
}
