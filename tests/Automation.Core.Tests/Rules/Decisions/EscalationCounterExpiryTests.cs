using Amazon.DynamoDBv2.Model;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Matching;
using Automation.Core.State;
using Automation.Testing;
using Microsoft.Extensions.Time.Testing;
using static Automation.Core.Tests.Rules.Decisions.TestRules;

namespace Automation.Core.Tests.Rules.Decisions;

/// <summary>
/// The count of matches since the earlier step lives in DynamoDB items with a TTL; it must outlive the escalation's
/// window (within may be up to a day), or a quiet hour between two bursts loses the first burst's matches.
/// </summary>
public sealed class EscalationCounterExpiryTests : IDisposable
{
    private const string Rules = """
        version: 1
        rules:
          - id: restart-on-oom
            match: { contains: OutOfMemoryError }
            threshold: { count: 1, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }
            cooldown: 6h
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: "{{ kubernetes.labels.app }}"
          - id: rollback-on-oom
            match: { contains: OutOfMemoryError }
            threshold: { count: 1, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }
            cooldown: 1h
            escalate_after: { rule: restart-on-oom, within: 6h, still_matching: 5 }
            actions:
              - type: github_workflow
                repo: acme/payments
                workflow: rollback.yml
        """;

    private readonly MotoServer _moto = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly RuleSet _rules = RulesLoader.Parse(Rules, "rules.yaml");

    public void Dispose() => _moto.Dispose();

    [Fact]
    public async Task The_count_since_the_restart_is_kept_until_the_escalation_window_ends()
    {
        using var client = MotoDynamoDb.Client(_moto);
        var table = await MotoDynamoDb.CreateTableAsync(client);
        var store = new DynamoDbRuleStateStore(client, table, time: _time);
        var restartedAt = _time.GetUtcNow();
        await Batch(store, ActionCatalog.PodRestartFunction, 0, 1);
        _time.Advance(TimeSpan.FromMinutes(10));

        var decision = await Batch(store, ActionCatalog.RollbackFunction, 1, 2);

        Assert.Equal(DecisionOutcome.NotEscalated, decision.Outcome);
        var items = await client.ScanAsync(new ScanRequest { TableName = table });
        var since = Assert.Single(items.Items, i => i[DynamoDbRuleStateStore.PartitionKey].S.StartsWith("count#since|", StringComparison.Ordinal));
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(since[DynamoDbRuleStateStore.ExpiresAt].N, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(expiresAt >= restartedAt + TimeSpan.FromHours(6), $"the count since the restart expires at {expiresAt:O}, before the 6h window ends");
    }

    private async Task<Decision> Batch(IRuleStateStore store, string function, int rule, int count)
    {
        var records = Enumerable.Range(0, count).Select(i => Record("api-1", _time.GetUtcNow(), offset: i)).ToList();
        var matches = new BatchMatches(_rules.Rules.Count);
        for (var i = 0; i < records.Count; i++)
        {
            matches.Add(rule, i);
        }
        var requestId = $"{function}-{_time.GetUtcNow().Ticks}";
        var decision = Assert.Single(await new DecisionMaker(_rules, store, _time, DecisionScope.ForFunction(function), dryRun: false)
            .DecideAsync(records, matches, new Invocation(requestId, _time.GetUtcNow().AddMinutes(1)), CancellationToken.None));
        if (decision.Outcome == DecisionOutcome.Fired)
        {
            await new ActionLedger(store, _time).RecordAsync(decision, requestId, LedgerState.Succeeded, "done", release: false, links: null, CancellationToken.None);
        }
        return decision;
    }
}
