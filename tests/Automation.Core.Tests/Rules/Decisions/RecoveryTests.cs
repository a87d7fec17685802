using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Matching;
using Automation.Core.State;
using Microsoft.Extensions.Time.Testing;
using static Automation.Core.Tests.Rules.Decisions.TestRules;

namespace Automation.Core.Tests.Rules.Decisions;

/// <summary>resolve_after: a rule that fired records one resolved decision once its group has been quiet that long.</summary>
public sealed class RecoveryTests
{
    private const string Rules = """
        version: 1
        rules:
          - id: restart-on-oom
            match: { contains: OutOfMemoryError }
            threshold: { count: 2, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }
            cooldown: 5m
            resolve_after: 10m
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: "{{ kubernetes.labels.app }}"
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRuleStateStore _store = new();
    private readonly RuleSet _rules = RulesLoader.Parse(Rules, "rules.yaml");
    private int _invocations;
    private long _offset;

    private DecisionMaker Maker(bool dryRun = false, string scope = "PodRestartFunction") => new(_rules, _store, _time, new DecisionScope(scope, null, true), dryRun);

    private Invocation Next() => new($"request-{++_invocations}", _time.GetUtcNow().AddMinutes(1));

    private async Task<IReadOnlyList<Decision>> Batch(DecisionMaker maker, int count, string app = "payments-api")
    {
        var records = Enumerable.Range(0, count).Select(_ => Record("api-1", _time.GetUtcNow(), app, offset: _offset++)).ToList();
        var matches = new BatchMatches(1);
        for (var i = 0; i < records.Count; i++)
        {
            matches.Add(0, i);
        }
        return await maker.DecideAsync(records, matches, Next(), CancellationToken.None);
    }

    [Fact]
    public async Task A_fired_group_quiet_for_resolve_after_is_resolved_once_naming_its_firing_and_last_match()
    {
        var maker = Maker();
        var fired = Assert.Single(await Batch(maker, 2));
        _time.Advance(TimeSpan.FromMinutes(3));
        await Batch(maker, 1); // still matching: in cooldown, and the incident's last match moves on
        _time.Advance(TimeSpan.FromMinutes(9));
        var early = await maker.ResolveQuietAsync(Next(), 100, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var resolved = Assert.Single(await maker.ResolveQuietAsync(Next(), 100, CancellationToken.None));
        var again = await maker.ResolveQuietAsync(Next(), 100, CancellationToken.None);

        Assert.Equal(DecisionOutcome.Fired, fired.Outcome);
        Assert.Empty(early);
        Assert.Equal(DecisionOutcome.Resolved, resolved.Outcome);
        Assert.Equal("restart-on-oom", resolved.RuleId);
        Assert.Equal(fired.Group, resolved.Group);
        Assert.Equal($"no match for 10m since the last one at 2026-11-27T12:03:00.000Z; fired at 2026-11-27T12:00:00.000Z by request request-1", resolved.Reason);
        Assert.Equal(_offset - 1, resolved.Sample.Offset);
        Assert.Empty(resolved.Records);
        Assert.Null(resolved.Action);
        Assert.Empty(again);
    }

    [Fact]
    public async Task A_group_that_never_fired_never_resolves()
    {
        var maker = Maker();
        await Batch(maker, 1); // below the threshold
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await maker.ResolveQuietAsync(Next(), 100, CancellationToken.None));
    }

    [Fact]
    public async Task Firing_again_after_resolving_opens_a_new_incident_that_resolves_again()
    {
        var maker = Maker();
        await Batch(maker, 2);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(await maker.ResolveQuietAsync(Next(), 100, CancellationToken.None));
        await Batch(maker, 2);
        _time.Advance(TimeSpan.FromMinutes(10));

        var second = Assert.Single(await maker.ResolveQuietAsync(Next(), 100, CancellationToken.None));

        Assert.Contains("fired at 2026-11-27T12:10:00.000Z by request request-3", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_function_resolves_only_its_own_incidents_and_dry_run_plans_say_so()
    {
        await Batch(Maker(dryRun: true, scope: "RollbackFunction"), 2);
        _time.Advance(TimeSpan.FromMinutes(10));

        var other = await Maker(scope: "PodRestartFunction").ResolveQuietAsync(Next(), 100, CancellationToken.None);
        var own = Assert.Single(await Maker(dryRun: true, scope: "RollbackFunction").ResolveQuietAsync(Next(), 100, CancellationToken.None));

        Assert.Empty(other);
        Assert.EndsWith("(a dry-run plan)", own.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_rules_that_resolve_the_sweep_makes_no_state_call()
    {
        var counting = new CountingStore(_store);
        var rules = Set(Rule("oom", actions: Action("restart_pod")));

        var resolved = await new DecisionMaker(rules, counting, _time, DecisionScope.Everything("f"), dryRun: false).ResolveQuietAsync(Next(), 100, CancellationToken.None);

        Assert.Empty(resolved);
        Assert.Equal(0, counting.Queries);
    }

    [Fact]
    public async Task A_call_resolves_at_most_its_limit_the_longest_quiet_first()
    {
        var maker = Maker();
        await Batch(maker, 2, app: "a");
        _time.Advance(TimeSpan.FromMinutes(1));
        await Batch(maker, 2, app: "b");
        _time.Advance(TimeSpan.FromMinutes(10));

        var first = Assert.Single(await maker.ResolveQuietAsync(Next(), 1, CancellationToken.None));
        var second = Assert.Single(await maker.ResolveQuietAsync(Next(), 1, CancellationToken.None));

        Assert.Contains("\"a\"", first.Group, StringComparison.Ordinal);
        Assert.Contains("\"b\"", second.Group, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rehearsals_incidents_are_its_own_so_going_live_neither_resolves_nor_notifies_them()
    {
        await Batch(Maker(dryRun: true), 2);
        _time.Advance(TimeSpan.FromMinutes(1));
        var live = Maker();
        var fired = Assert.Single(await Batch(live, 2));
        _time.Advance(TimeSpan.FromMinutes(10));

        var resolved = Assert.Single(await live.ResolveQuietAsync(Next(), 100, CancellationToken.None));

        Assert.Equal(DecisionOutcome.Fired, fired.Outcome);
        Assert.Equal("no match for 10m since the last one at 2026-11-27T12:01:00.000Z; fired at 2026-11-27T12:01:00.000Z by request request-2", resolved.Reason);
        // The rehearsal's own incident resolves in dry-run only, saying so.
        Assert.EndsWith("(a dry-run plan)", Assert.Single(await Maker(dryRun: true).ResolveQuietAsync(Next(), 100, CancellationToken.None)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_batch_the_engine_looks_at_most_every_thirty_seconds()
    {
        var counting = new CountingStore(_store);
        var engine = new RuleEngine(_rules, counting, _time, new DecisionScope("PodRestartFunction", null, true), dryRun: false);

        await engine.ResolveQuietAfterBatchAsync(Next(), CancellationToken.None);
        await engine.ResolveQuietAfterBatchAsync(Next(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(30));
        await engine.ResolveQuietAfterBatchAsync(Next(), CancellationToken.None);
        await engine.ResolveQuietAsync(Next(), CancellationToken.None);

        Assert.Equal(3, counting.Queries);
    }

    private sealed class CountingStore(IRuleStateStore inner) : Tests.State.DelegatingStateStore(inner)
    {
        public int Queries { get; private set; }

        public override Task<IReadOnlyList<Incident>> OpenIncidentsAsync(string scope, CancellationToken cancellationToken)
        {
            Queries++;
            return base.OpenIncidentsAsync(scope, cancellationToken);
        }
    }
}
