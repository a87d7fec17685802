using System.Text.Json;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Matching;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.Core.Tests.State;
using Microsoft.Extensions.Time.Testing;
using static Automation.Core.Tests.Rules.Decisions.TestRules;

namespace Automation.Core.Tests.Rules.Decisions;

public sealed class DecisionMakerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRuleStateStore _store = new();

    private int _invocations;
    private long _offset;

    // Each call is a new invocation with its own request id, and Lambda's deadline a minute away.
    private Invocation Invocation => new($"request-{++_invocations}", _time.GetUtcNow() + TimeSpan.FromMinutes(1));

    private DecisionMaker Maker(RuleSet rules, bool dryRun = false, DecisionScope? scope = null, IRuleStateStore? store = null) =>
        new(rules, store ?? _store, _time, scope ?? DecisionScope.Everything("test"), dryRun);

    private static BatchMatches AllMatch(RuleSet rules, IReadOnlyList<LogRecord> records)
    {
        var matches = new BatchMatches(rules.Rules.Count);
        for (var rule = 0; rule < rules.Rules.Count; rule++)
        {
            for (var record = 0; record < records.Count; record++)
            {
                matches.Add(rule, record);
            }
        }
        return matches;
    }

    /// <summary>Decides, then records every fired action as done, as the action stage would.</summary>
    private async Task<IReadOnlyList<Decision>> Decide(DecisionMaker maker, RuleSet rules, params LogRecord[] records)
    {
        var invocation = Invocation;
        var decisions = await maker.DecideAsync(records, AllMatch(rules, records), invocation, CancellationToken.None);
        var ledger = new ActionLedger(_store, _time);
        foreach (var fired in decisions.Where(d => d.Outcome == DecisionOutcome.Fired))
        {
            await ledger.RecordAsync(fired, invocation.RequestId, LedgerState.Succeeded, "done", release: false, links: null, CancellationToken.None);
        }
        return decisions;
    }

    /// <summary>A new Kafka record (the next offset) logged <paramref name="ago"/> by <paramref name="pod"/>.</summary>
    private LogRecord At(string pod, TimeSpan ago, string app = "payments-api") => Record(pod, _time.GetUtcNow() - ago, app, offset: _offset++);

    [Fact]
    public async Task Without_a_threshold_every_target_gets_one_decision_carrying_its_matches()
    {
        var rules = Set(Rule("oom", actions: Action("restart_pod", ("pod", "{{ kubernetes.pod_name }}"))));

        var decisions = await Decide(Maker(rules), rules, At("api-1", TimeSpan.Zero), At("api-2", TimeSpan.Zero), At("api-1", TimeSpan.Zero));

        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Fired, d.Outcome));
        var byPod = decisions.ToDictionary(d => d.Action!.Parameters["pod"]);
        Assert.Equal(2, byPod["api-1"].BatchMatches);
        Assert.Equal([0, 2], byPod["api-1"].Records);
        Assert.Equal(1, byPod["api-2"].BatchMatches);
    }

    [Fact]
    public async Task A_threshold_counts_per_group_across_batches_within_its_window()
    {
        var rules = Set(Rule("oom", Threshold(3, TimeSpan.FromMinutes(2), "kubernetes.labels.app"), actions: Action("rollout_restart", ("workload", "{{ kubernetes.labels.app }}"))));
        var maker = Maker(rules);

        var first = await Decide(maker, rules, At("api-1", TimeSpan.Zero), At("api-2", TimeSpan.Zero), At("ledger-1", TimeSpan.Zero, app: "ledger"));
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await Decide(maker, rules, At("api-3", TimeSpan.Zero));

        Assert.All(first, d => Assert.Equal(DecisionOutcome.BelowThreshold, d.Outcome));
        var payments = Assert.Single(first, d => d.Group.Contains("payments-api", StringComparison.Ordinal));
        Assert.Equal("kubernetes.labels.app=\"payments-api\"", payments.Group);
        Assert.Equal(2, payments.WindowCount);
        Assert.Contains("2 of 3", payments.Reason, StringComparison.Ordinal);
        var fired = Assert.Single(second);
        Assert.Equal(DecisionOutcome.Fired, fired.Outcome);
        Assert.Equal(3, fired.WindowCount);
        Assert.Equal(1, fired.BatchMatches);
        Assert.Equal("payments-api", fired.Action!.Parameters["workload"]);
    }

    [Fact]
    public async Task Matches_older_than_the_window_no_longer_count()
    {
        var rules = Set(Rule("oom", Threshold(2, TimeSpan.FromMinutes(2)), actions: Action("restart_pod")));
        var maker = Maker(rules);

        await Decide(maker, rules, At("api-1", TimeSpan.Zero));
        _time.Advance(TimeSpan.FromMinutes(3));
        var later = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));

        Assert.Equal(DecisionOutcome.BelowThreshold, later.Outcome);
        Assert.Equal(1, later.WindowCount);
    }

    [Fact]
    public async Task Windows_follow_the_records_time_so_a_lagging_consumer_still_sees_a_burst()
    {
        var rules = Set(Rule("oom", Threshold(3, TimeSpan.FromMinutes(2)), actions: Action("restart_pod")));

        var decision = Assert.Single(await Decide(Maker(rules), rules,
            At("api-1", TimeSpan.FromMinutes(30)), At("api-1", TimeSpan.FromMinutes(29.5)), At("api-1", TimeSpan.FromMinutes(29))));

        Assert.Equal(DecisionOutcome.Fired, decision.Outcome);
        Assert.Equal(3, decision.WindowCount);
    }

    [Fact]
    public async Task Records_from_the_future_count_as_now_and_cannot_stretch_a_window()
    {
        var rules = Set(Rule("oom", Threshold(2, TimeSpan.FromMinutes(2)), actions: Action("restart_pod")));
        var maker = Maker(rules);

        await Decide(maker, rules, Record("api-1", _time.GetUtcNow().AddDays(1)));
        _time.Advance(TimeSpan.FromMinutes(5));
        var decision = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));

        Assert.Equal(DecisionOutcome.BelowThreshold, decision.Outcome);
    }

    [Fact]
    public async Task A_cooldown_holds_per_target_and_ends()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15), actions: Action("restart_pod", ("pod", "{{ kubernetes.pod_name }}"))));
        var maker = Maker(rules);

        var first = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));
        _time.Advance(TimeSpan.FromMinutes(5));
        var again = await Decide(maker, rules, At("api-1", TimeSpan.Zero), At("api-2", TimeSpan.Zero));
        _time.Advance(TimeSpan.FromMinutes(11));
        var afterCooldown = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));

        Assert.Equal(DecisionOutcome.Fired, first.Outcome);
        Assert.Equal(DecisionOutcome.InCooldown, again.Single(d => d.Action!.Parameters["pod"] == "api-1").Outcome);
        Assert.Contains("15m", again.Single(d => d.Action!.Parameters["pod"] == "api-1").Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Fired, again.Single(d => d.Action!.Parameters["pod"] == "api-2").Outcome);
        Assert.Equal(DecisionOutcome.Fired, afterCooldown.Outcome);
    }

    [Fact]
    public async Task A_target_is_its_record_fields_not_its_facts_so_changing_counts_do_not_escape_the_cooldown()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15),
            actions: Action("github_workflow", ("repo", "acme/{{ kubernetes.labels.app }}"), ("inputs.reason", "{{ count }} errors at {{ last_seen }}"))));
        var maker = Maker(rules);

        await Decide(maker, rules, At("api-1", TimeSpan.Zero));
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero), At("api-1", TimeSpan.Zero)));

        Assert.Equal(DecisionOutcome.InCooldown, second.Outcome);
        Assert.Equal("2 errors at " + _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture), second.Action!.Parameters["inputs.reason"]);
        Assert.Equal("acme/payments-api", second.Action.Parameters["repo"]);
    }

    [Fact]
    public async Task The_lines_message_and_level_in_a_parameter_do_not_make_a_new_target()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15),
            actions: Action("github_workflow", ("repo", "acme/{{ kubernetes.labels.app }}"), ("inputs.why", "{{ level }}: {{ message }}"))));
        var maker = Maker(rules);

        var first = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));
        _time.Advance(TimeSpan.FromMinutes(1));
        var other = Record("api-2", _time.GetUtcNow(), offset: 99, log: "java.lang.OutOfMemoryError: Metaspace");
        var second = Assert.Single(await Decide(maker, rules, other));

        Assert.Equal(DecisionOutcome.Fired, first.Outcome);
        Assert.NotEqual(first.Action!.Parameters["inputs.why"], second.Action!.Parameters["inputs.why"]);
        Assert.Equal(DecisionOutcome.InCooldown, second.Outcome);
    }

    [Fact]
    public async Task Dry_run_decides_and_claims_the_cooldown_like_production_but_says_it_did_not_act()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15), actions: Action("restart_pod")));
        var maker = Maker(rules, dryRun: true);

        var first = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));
        var second = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));

        Assert.Equal(DecisionOutcome.DryRun, first.Outcome);
        Assert.Equal(DecisionOutcome.InCooldown, second.Outcome);
    }

    [Fact]
    public async Task The_same_batch_delivered_again_finds_its_action_already_done_even_after_the_cooldown()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15), actions: Action("restart_pod", ("pod", "{{ kubernetes.pod_name }}"))));
        var maker = Maker(rules);
        LogRecord[] batch = [At("api-1", TimeSpan.Zero)];

        var first = Assert.Single(await Decide(maker, rules, batch));
        _time.Advance(TimeSpan.FromSeconds(30));
        var retried = Assert.Single(await Decide(maker, rules, batch));
        _time.Advance(TimeSpan.FromHours(2));
        var replayed = Assert.Single(await Decide(maker, rules, batch));

        Assert.Equal(DecisionOutcome.Fired, first.Outcome);
        Assert.NotNull(first.LedgerKey);
        Assert.Equal(DecisionOutcome.AlreadyDone, retried.Outcome);
        Assert.Contains("request-1", retried.Reason, StringComparison.Ordinal);
        Assert.EndsWith(": succeeded", retried.Reason, StringComparison.Ordinal);
        Assert.Null(retried.LedgerKey);
        Assert.Equal(DecisionOutcome.AlreadyDone, replayed.Outcome);
    }

    [Fact]
    public async Task Without_a_cooldown_each_triggering_record_acts_once_however_often_it_is_delivered()
    {
        var rules = Set(Rule("oom", actions: Action("restart_pod", ("pod", "{{ kubernetes.pod_name }}"))));
        var maker = Maker(rules);
        LogRecord[] batch = [At("api-1", TimeSpan.Zero)];

        var first = Assert.Single(await Decide(maker, rules, batch));
        var again = Assert.Single(await Decide(maker, rules, batch));
        var next = Assert.Single(await Decide(maker, rules, At("api-1", TimeSpan.Zero)));

        Assert.Equal([DecisionOutcome.Fired, DecisionOutcome.AlreadyDone, DecisionOutcome.Fired], new[] { first.Outcome, again.Outcome, next.Outcome });
    }

    [Fact]
    public async Task A_batch_retried_while_its_claimant_may_still_act_is_in_progress_and_after_the_lease_is_taken_over()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15), actions: Action("restart_pod", ("pod", "{{ kubernetes.pod_name }}"))));
        var maker = Maker(rules);
        LogRecord[] batch = [At("api-1", TimeSpan.Zero)];

        // The first invocation claims, then crashes before it acts or records anything.
        var claimed = Assert.Single(await maker.DecideAsync(batch, AllMatch(rules, batch), Invocation, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(5));
        var early = Assert.Single(await Decide(maker, rules, batch));
        _time.Advance(TimeSpan.FromMinutes(1) + DecisionMaker.LeaseMargin);
        var late = Assert.Single(await Decide(maker, rules, batch));

        Assert.Equal(DecisionOutcome.Fired, claimed.Outcome);
        Assert.Equal(DecisionOutcome.InProgress, early.Outcome);
        Assert.Contains("request-1", early.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Fired, late.Outcome);
        Assert.Contains("took over the claim of request request-1", late.Reason, StringComparison.Ordinal);
        var entry = await _store.ReadAsync(late.LedgerKey!, CancellationToken.None);
        Assert.Equal(("request-3", LedgerState.Succeeded), (entry!.RequestId, entry.State));
    }

    [Fact]
    public async Task A_dry_run_plan_never_holds_back_the_real_action()
    {
        var rules = Set(Rule("oom", cooldown: TimeSpan.FromMinutes(15), actions: Action("restart_pod")));
        LogRecord[] batch = [At("api-1", TimeSpan.Zero)];

        var planned = Assert.Single(await Decide(Maker(rules, dryRun: true), rules, batch));
        var replanned = Assert.Single(await Decide(Maker(rules, dryRun: true), rules, batch));
        var real = Assert.Single(await Decide(Maker(rules), rules, batch));

        Assert.Equal(DecisionOutcome.DryRun, planned.Outcome);
        Assert.Equal(DecisionOutcome.AlreadyDone, replanned.Outcome);
        Assert.EndsWith(": dry_run", replanned.Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Fired, real.Outcome);
        Assert.Equal(LedgerState.DryRun, (await _store.ReadAsync(planned.LedgerKey!, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Facts_render_into_action_parameters()
    {
        var rules = Set(Rule("oom", Threshold(2, TimeSpan.FromSeconds(90)),
            actions: Action("github_workflow", ("inputs.summary", "{{ rule.id }}: {{ count }} in {{ window }} ({{ rule.description }})"))));

        var decision = Assert.Single(await Decide(Maker(rules), rules, At("api-1", TimeSpan.Zero), At("api-1", TimeSpan.Zero)));

        Assert.Equal("oom: 2 in 1m30s (test rule oom)", decision.Action!.Parameters["inputs.summary"]);
    }

    [Fact]
    public async Task Each_function_decides_only_its_own_actions_and_rules_without_actions_belong_to_one_of_them()
    {
        var rules = Set(
            Rule("restart", actions: Action("restart_pod")),
            Rule("rollback", actions: Action("github_workflow", ("repo", "acme/payments"))),
            Rule("count-only"));
        var records = new[] { At("api-1", TimeSpan.Zero) };
        var podRestarter = new DecisionScope("PodRestartFunction", new HashSet<string> { "restart_pod", "rollout_restart" }, RulesWithoutActions: false);
        var forwarder = new DecisionScope("LogForwarderFunction", new HashSet<string> { "forward" }, RulesWithoutActions: true);

        var restarts = await Maker(rules, scope: podRestarter).DecideAsync(records, AllMatch(rules, records), Invocation, CancellationToken.None);
        var forwards = await Maker(rules, scope: forwarder).DecideAsync(records, AllMatch(rules, records), Invocation, CancellationToken.None);

        Assert.Equal("restart", Assert.Single(restarts).RuleId);
        var counted = Assert.Single(forwards);
        Assert.Equal("count-only", counted.RuleId);
        Assert.Null(counted.Action);
        Assert.Equal(DecisionOutcome.Fired, counted.Outcome);
    }

    [Fact]
    public async Task Functions_reading_the_same_records_keep_separate_counters()
    {
        var rules = Set(Rule("oom", Threshold(2, TimeSpan.FromMinutes(2)), actions: [Action("restart_pod"), Action("forward")]));
        var records = new[] { At("api-1", TimeSpan.Zero) };
        var pods = new DecisionScope("PodRestartFunction", new HashSet<string> { "restart_pod" }, false);
        var logs = new DecisionScope("LogForwarderFunction", new HashSet<string> { "forward" }, true);

        var a = Assert.Single(await Maker(rules, scope: pods).DecideAsync(records, AllMatch(rules, records), Invocation, CancellationToken.None));
        var b = Assert.Single(await Maker(rules, scope: logs).DecideAsync(records, AllMatch(rules, records), Invocation, CancellationToken.None));

        Assert.Equal(1, a.WindowCount);
        Assert.Equal(1, b.WindowCount);
    }

    [Fact]
    public async Task A_large_batch_costs_one_state_update_per_group()
    {
        var rules = Set(Rule("oom", Threshold(5, TimeSpan.FromMinutes(2), "kubernetes.labels.app"), actions: Action("restart_pod")));
        var counting = new CountingStore(_store);
        var records = Enumerable.Range(0, 10_000).Select(i => At("api-" + i, TimeSpan.FromMilliseconds(i), app: i % 2 == 0 ? "a" : "b")).ToArray();

        var decisions = await Decide(Maker(rules, store: counting), rules, records);

        Assert.Equal(2, counting.Updates);
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal(5_000, d.WindowCount));
    }

    [Fact]
    public async Task Every_decision_becomes_one_audit_line_with_hostile_values_as_bounded_strings()
    {
        var rules = Set(Rule("oom", actions: Action("restart_pod", ("pod", "{{ kubernetes.pod_name }}"))));
        var hostilePod = "x\",\"outcome\":\"fired\"" + new string('a', 1000);
        var record = At(hostilePod, TimeSpan.Zero);
        var decision = Assert.Single(await Decide(Maker(rules, dryRun: true), rules, record));
        var output = new StringWriter();

        DecisionAudit.Write(new JsonLog(output, _time), decision, [record], "PodRestartFunction", "req-9", dryRun: true);

        var line = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("decision", line.GetProperty("audit").GetString());
        Assert.Equal("dry_run", line.GetProperty("outcome").GetString());
        Assert.Equal("oom", line.GetProperty("rule").GetString());
        Assert.Equal("req-9", line.GetProperty("requestId").GetString());
        Assert.Equal("restart_pod", line.GetProperty("action").GetProperty("type").GetString());
        var pod = line.GetProperty("action").GetProperty("parameters").GetProperty("pod").GetString()!;
        Assert.StartsWith("x\",\"outcome\"", pod, StringComparison.Ordinal);
        Assert.True(pod.Length <= DecisionAudit.MaxValueLength + 1);
        Assert.Equal("logs-0@0", line.GetProperty("sample").GetString());
        Assert.Equal(["logs-0@0"], line.GetProperty("triggers").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, line.GetProperty("triggersTotal").GetInt32());
        Assert.True(line.GetProperty("target").GetString()!.Length <= DecisionAudit.MaxValueLength + 1);
        Assert.Equal(DecisionAudit.Version, line.GetProperty("auditVersion").GetInt32());
    }

    [Fact]
    public async Task An_audit_line_lists_a_groups_triggering_records_once_each_up_to_a_bound()
    {
        var rules = Set(Rule("oom", Threshold(1, TimeSpan.FromMinutes(2))));
        var records = Enumerable.Range(0, 30).Select(_ => At("api-1", TimeSpan.Zero)).ToList();
        var decision = Assert.Single(await Decide(Maker(rules), rules, [.. records, records[0]]));
        var output = new StringWriter();

        DecisionAudit.Write(new JsonLog(output, _time), decision, [.. records, records[0]], "LogForwarderFunction", "req-1", dryRun: false);

        var line = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(records.Take(DecisionAudit.MaxTriggers).Select(r => r.Source.ToString()), line.GetProperty("triggers").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(30, line.GetProperty("triggersTotal").GetInt32());
        Assert.False(line.TryGetProperty("target", out _));
    }

    [Fact]
    public async Task Groups_that_share_a_cooldown_target_fire_it_once_the_first_group_in_order()
    {
        var rules = Set(Rule("oom", Threshold(1, TimeSpan.FromMinutes(2), "kubernetes.labels.app"), TimeSpan.FromMinutes(15),
            Action("rollout_restart", ("namespace", "payments"), ("workload", "shared-gateway"))));

        var decisions = await Decide(Maker(rules), rules, At("a-1", TimeSpan.Zero, app: "a"), At("b-1", TimeSpan.Zero, app: "b"), At("c-1", TimeSpan.Zero, app: "c"));

        Assert.Equal([DecisionOutcome.Fired, DecisionOutcome.InCooldown, DecisionOutcome.InCooldown], decisions.Select(d => d.Outcome));
        Assert.Contains("\"a\"", decisions[0].Group, StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_calls_of_different_groups_are_in_flight_together()
    {
        var rules = Set(Rule("oom", Threshold(1, TimeSpan.FromMinutes(2), "kubernetes.labels.app"), TimeSpan.FromMinutes(15),
            Action("rollout_restart", ("namespace", "payments"), ("workload", "{{ kubernetes.labels.app }}"))));
        var gate = new GatedStore(_store, expectedTogether: 3);

        var decide = Decide(Maker(rules, store: gate), rules, At("a-1", TimeSpan.Zero, app: "a"), At("b-1", TimeSpan.Zero, app: "b"), At("c-1", TimeSpan.Zero, app: "c"));

        // The store answers only once all three groups' counts are waiting on it: one after another would never get there.
        var decisions = await decide.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, decisions.Count(d => d.Outcome == DecisionOutcome.Fired));
    }

    private sealed class GatedStore(IRuleStateStore store, int expectedTogether) : DelegatingStateStore(store)
    {
        private readonly TaskCompletionSource _allWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public override async Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _waiting) == expectedTogether)
            {
                _allWaiting.SetResult();
            }
            await _allWaiting.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return await base.AddAndCountAsync(key, additions, within, windowEnd, cancellationToken);
        }
    }

    private sealed class CountingStore(IRuleStateStore store) : DelegatingStateStore(store)
    {
        private int _updates;

        public int Updates => _updates;

        public override Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _updates);
            return base.AddAndCountAsync(key, additions, within, windowEnd, cancellationToken);
        }
    }
}
