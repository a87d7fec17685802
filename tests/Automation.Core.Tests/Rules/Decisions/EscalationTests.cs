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
/// The restart → still failing → rollback ladder as the two functions decide it: each with its own scope, sharing one
/// state store, the restart's outcome recorded as PodRestartFunction's action stage records it.
/// </summary>
public sealed class EscalationTests
{
    private const string Rules = """
        version: 1
        rules:
          - id: restart-on-oom
            match: { contains: OutOfMemoryError }
            threshold: { count: 3, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }
            cooldown: 15m
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: "{{ kubernetes.labels.app }}"
          - id: rollback-on-oom
            match: { contains: OutOfMemoryError }
            threshold: { count: 3, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }
            cooldown: 1h
            escalate_after: { rule: restart-on-oom, action: rollout_restart, within: 15m, still_matching: 5 }
            actions:
              - type: github_workflow
                repo: acme/payments
                workflow: rollback.yml
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRuleStateStore _store = new();
    private readonly RuleSet _rules = RulesLoader.Parse(Rules, "rules.yaml");
    private int _invocations;
    private long _offset;

    private DecisionMaker Function(string name, bool dryRun = false) => new(_rules, _store, _time, DecisionScope.ForFunction(name), dryRun);

    /// <summary>One invocation of a function on <paramref name="count"/> OOM lines of an app, logged now; fired actions end as <paramref name="outcome"/>.</summary>
    private async Task<Decision> Batch(DecisionMaker function, int count, string app = "payments-api", LedgerState outcome = LedgerState.Succeeded)
    {
        var records = Enumerable.Range(0, count).Select(_ => Record("api-1", _time.GetUtcNow(), app, offset: _offset++)).ToList();
        var matches = new BatchMatches(_rules.Rules.Count);
        for (var i = 0; i < records.Count; i++)
        {
            matches.Add(0, i);
            matches.Add(1, i);
        }
        var requestId = $"request-{++_invocations}";
        var decision = Assert.Single(await function.DecideAsync(records, matches, new Invocation(requestId, _time.GetUtcNow().AddMinutes(1)), CancellationToken.None));
        if (decision.Outcome == DecisionOutcome.Fired)
        {
            await new ActionLedger(_store, _time).RecordAsync(decision, requestId, outcome, "done", release: false, links: null, CancellationToken.None);
        }
        return decision;
    }

    [Fact]
    public async Task The_rollback_waits_for_the_restart_then_for_enough_matches_after_it_then_fires()
    {
        var restarter = Function(ActionCatalog.PodRestartFunction);
        var rollback = Function(ActionCatalog.RollbackFunction);

        var before = await Batch(rollback, 4);
        var restart = await Batch(restarter, 4);
        _time.Advance(TimeSpan.FromSeconds(1));
        var tooFew = await Batch(rollback, 3);
        _time.Advance(TimeSpan.FromSeconds(20));
        var enough = await Batch(rollback, 3);

        Assert.Equal(DecisionOutcome.NotEscalated, before.Outcome);
        Assert.Contains("escalates after rollout_restart of rule restart-on-oom for rollout_restart namespace=payments workload=payments-api, which", before.Reason, StringComparison.Ordinal);
        Assert.Contains("has not run within 15m (none recorded)", before.Reason, StringComparison.Ordinal);
        Assert.Null(before.LedgerKey);
        Assert.Equal(DecisionOutcome.Fired, restart.Outcome);
        Assert.Equal(DecisionOutcome.NotEscalated, tooFew.Outcome);
        Assert.Contains("ran at 2026-11-27T12:00:00.000Z (succeeded, request request-2); 3 of 5 matches since: not escalating yet", tooFew.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Fired, enough.Outcome);
        Assert.Equal("github_workflow", enough.Action!.Type);
        Assert.Contains("escalating: rollout_restart of rule restart-on-oom ran at 2026-11-27T12:00:00.000Z (succeeded, request request-2) and this rule matched 6 times since (still_matching 5)", enough.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Matches_logged_before_the_restart_do_not_count_as_still_failing()
    {
        var restarter = Function(ActionCatalog.PodRestartFunction);
        var rollback = Function(ActionCatalog.RollbackFunction);
        await Batch(restarter, 3);

        // The same instant as the restart's outcome: logged before it ended, whatever the consumer's lag.
        var sameTime = await Batch(rollback, 10);

        Assert.Equal(DecisionOutcome.NotEscalated, sameTime.Outcome);
        Assert.Contains("0 of 5 matches since", sameTime.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_targets_restart_does_not_let_this_target_escalate()
    {
        await Batch(Function(ActionCatalog.PodRestartFunction), 3, app: "ledger");
        _time.Advance(TimeSpan.FromSeconds(5));

        var other = await Batch(Function(ActionCatalog.RollbackFunction), 10, app: "payments-api");

        Assert.Equal(DecisionOutcome.NotEscalated, other.Outcome);
        Assert.Contains("none recorded", other.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_older_than_the_window_is_not_a_step_taken()
    {
        await Batch(Function(ActionCatalog.PodRestartFunction), 3);
        _time.Advance(TimeSpan.FromMinutes(16));

        var late = await Batch(Function(ActionCatalog.RollbackFunction), 10);

        Assert.Equal(DecisionOutcome.NotEscalated, late.Outcome);
        Assert.Contains("has not run within 15m (it last ran at 2026-11-27T12:00:00.000Z)", late.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_restart_is_not_a_step_taken()
    {
        await Batch(Function(ActionCatalog.PodRestartFunction), 3, outcome: LedgerState.Failed);
        _time.Advance(TimeSpan.FromSeconds(5));

        var afterFailure = await Batch(Function(ActionCatalog.RollbackFunction), 10);

        Assert.Equal(DecisionOutcome.NotEscalated, afterFailure.Outcome);
        Assert.Contains("its last attempt, at 2026-11-27T12:00:00.000Z, is failed", afterFailure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_restart_starts_the_count_again()
    {
        var restarter = Function(ActionCatalog.PodRestartFunction);
        var rollback = Function(ActionCatalog.RollbackFunction);
        await Batch(restarter, 3);
        _time.Advance(TimeSpan.FromSeconds(5));
        await Batch(rollback, 3);
        _time.Advance(TimeSpan.FromMinutes(15));
        await Batch(restarter, 3);
        _time.Advance(TimeSpan.FromSeconds(5));

        var afterSecondRestart = await Batch(rollback, 3);

        Assert.Equal(DecisionOutcome.NotEscalated, afterSecondRestart.Outcome);
        Assert.Contains("3 of 5 matches since", afterSecondRestart.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Matches_below_the_threshold_still_count_towards_still_matching()
    {
        var rollback = Function(ActionCatalog.RollbackFunction);
        await Batch(Function(ActionCatalog.PodRestartFunction), 3);
        _time.Advance(TimeSpan.FromSeconds(5));
        var below = await Batch(rollback, 2);
        _time.Advance(TimeSpan.FromSeconds(70));

        var fired = await Batch(rollback, 3);

        Assert.Equal(DecisionOutcome.BelowThreshold, below.Outcome);
        Assert.Equal(DecisionOutcome.Fired, fired.Outcome);
        Assert.Contains("matched 5 times since", fired.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_dry_run_a_planned_restart_is_a_step_so_a_rehearsal_shows_the_whole_ladder()
    {
        await Batch(Function(ActionCatalog.PodRestartFunction, dryRun: true), 3);
        _time.Advance(TimeSpan.FromSeconds(5));
        var rollbackLive = await Batch(Function(ActionCatalog.RollbackFunction), 10);
        var rollbackDryRun = await Batch(Function(ActionCatalog.RollbackFunction, dryRun: true), 10);

        Assert.Equal(DecisionOutcome.NotEscalated, rollbackLive.Outcome);
        Assert.Equal(DecisionOutcome.DryRun, rollbackDryRun.Outcome);
        Assert.Contains("planned in dry-run", rollbackDryRun.Reason, StringComparison.Ordinal);
    }
}
