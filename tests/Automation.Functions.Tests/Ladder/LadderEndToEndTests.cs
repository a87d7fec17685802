using static Automation.Functions.Tests.Ladder.LadderHarness;

namespace Automation.Functions.Tests.Ladder;

/// <summary>
/// Escalation across two functions (docs/rules.md "Escalation"): RollbackFunction dispatches the rollback workflow only
/// after PodRestartFunction's rollout restart of the same app succeeded within 15 minutes and the OOM lines kept
/// coming (5 logged after the restart). What happened is read from the fakes and the shared DynamoDB table; later
/// batches carry timestamps taken after the restart's invocation returned, so they were logged after its outcome.
/// </summary>
public sealed class LadderEndToEndTests : IAsyncLifetime
{
    private const string App = "payments-api";
    private const string Deployment = "/apis/apps/v1/namespaces/payments/deployments/";
    private LadderHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        _h.Kubernetes.AddDeployment(Namespace, App, Hash(App), Suffixes, ready: 2);
        _h.Kubernetes.AddDeployment(Namespace, "ledger", Hash("ledger"), Suffixes, ready: 2);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task Restart_then_still_failing_then_rollback_dispatches_once()
    {
        var burst = await _h.EventAsync(OomLines(App, 4, Now.AddSeconds(-40)));

        // (a) The rollback sees the burst before any restart: nothing to escalate after.
        var early = await _h.RollbackAsync(burst);
        var notYet = early.Decision(Rollback, App);
        Assert.Equal("not_escalated", notYet.GetProperty("outcome").GetString());
        Assert.Equal(
            $"4 matches within 10m (threshold 3); escalates after rollout_restart of rule {Restart} for rollout_restart namespace=payments workload={App}, which has not run within 15m (none recorded)",
            notYet.GetProperty("reason").GetString());
        Assert.False(notYet.TryGetProperty("action", out _) || notYet.TryGetProperty("target", out _), "a group not escalated claims nothing");
        Assert.Empty(early.Audits("action"));
        Assert.Empty(_h.GitHub.Dispatches);

        // (b) The restarter sees the same burst: one rollout restart of the app's Deployment, recorded as succeeded.
        var restart = await _h.RestartAsync(burst);
        Assert.Equal("fired", restart.Decision(Restart, App).GetProperty("outcome").GetString());
        var patch = Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        Assert.Equal(("PATCH", Deployment + App, 200), (patch.Method, patch.Path, patch.Status));
        Assert.Equal("succeeded", Assert.Single(restart.Audits("action")).GetProperty("outcome").GetString());
        var ledger = await _h.RestartLedgerItemAsync(App);
        Assert.Equal("succeeded", ledger["state"].S);
        Assert.Equal(restart.RequestId, ledger["request_id"].S);
        var ranAt = Time(ledger["outcome_at"]);
        var restartedBy = $"rollout_restart of rule {Restart} ran at {ranAt} (succeeded, request {restart.RequestId})";

        // (c) Three more lines, logged after the restart: fewer than still_matching.
        var tooFew = await _h.RollbackAsync(await _h.EventAsync(OomLines(App, 3, Now)));
        var waiting = tooFew.Decision(Rollback, App);
        Assert.Equal("not_escalated", waiting.GetProperty("outcome").GetString());
        Assert.Equal(
            $"7 matches within 10m (threshold 3); escalates after rollout_restart of rule {Restart} for rollout_restart namespace=payments workload={App}, which ran at {ranAt} (succeeded, request {restart.RequestId}); 3 of {StillMatching} matches since: not escalating yet",
            waiting.GetProperty("reason").GetString());
        Assert.Empty(_h.GitHub.Dispatches);

        // (d) Three more: six since the restart. The rollback is dispatched, and the restarter holds its cooldown.
        var enoughEvent = await _h.EventAsync(OomLines(App, 3, Now));
        var enough = await _h.RollbackAsync(enoughEvent);
        var escalated = enough.Decision(Rollback, App);
        Assert.Equal("fired", escalated.GetProperty("outcome").GetString());
        Assert.StartsWith(
            $"10 matches within 10m (threshold 3); escalating: {restartedBy} and this rule matched 6 times since (still_matching {StillMatching})",
            escalated.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("github_workflow", escalated.GetProperty("action").GetProperty("type").GetString());
        var dispatch = Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal("/repos/acme/payments/actions/workflows/rollback.yml/dispatches", dispatch.Path);
        Assert.Empty(dispatch.SchemaErrors);
        Assert.Equal("main", (string?)dispatch.Body!["ref"]);
        Assert.Equal(
            [("namespace", "payments"), ("reason", $"{Rollback}: 10 OutOfMemoryError lines within 10m"), ("service", App)],
            dispatch.Body["inputs"]!.AsObject().Select(i => (i.Key, (string)i.Value!)).OrderBy(i => i.Key, StringComparer.Ordinal));
        var dispatched = Assert.Single(enough.Audits("action"));
        Assert.Equal(("succeeded", Rollback), (dispatched.GetProperty("outcome").GetString(), dispatched.GetProperty("rule").GetString()));

        var holding = await _h.RestartAsync(enoughEvent);
        Assert.Equal("in_cooldown", holding.Decision(Restart, App).GetProperty("outcome").GetString());
        Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);

        // (e) The same batch again: the ledger has the rollback done; nothing is dispatched twice.
        var again = await _h.RollbackAsync(enoughEvent);
        var repeated = again.Decision(Rollback, App);
        Assert.Equal("already_done", repeated.GetProperty("outcome").GetString());
        Assert.Contains(enough.RequestId, repeated.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(again.Audits("action"));
        Assert.Single(_h.GitHub.Dispatches);
    }

    [Fact]
    public async Task Another_apps_restart_lets_only_that_app_escalate()
    {
        var restart = await _h.RestartAsync(await _h.EventAsync(OomLines("ledger", 3, Now.AddSeconds(-30))));
        var patch = Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        Assert.Equal(Deployment + "ledger", patch.Path);

        // Both apps keep failing after the ledger restart: only the restarted one is escalated.
        var later = await _h.RollbackAsync(await _h.EventAsync(OomLines(App, 6, Now).Concat(OomLines("ledger", 6, Now))));

        var payments = later.Decision(Rollback, App);
        Assert.Equal("not_escalated", payments.GetProperty("outcome").GetString());
        Assert.EndsWith($"for rollout_restart namespace=payments workload={App}, which has not run within 15m (none recorded)",
            payments.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var ledger = later.Decision(Rollback, "ledger");
        Assert.Equal("fired", ledger.GetProperty("outcome").GetString());
        Assert.Contains($"(succeeded, request {restart.RequestId}) and this rule matched 6 times since", ledger.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var dispatch = Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal("ledger", (string?)dispatch.Body!["inputs"]!["service"]);
    }

    [Fact]
    public async Task A_restart_the_api_refused_is_not_a_step_taken()
    {
        _h.Kubernetes.Fail(403, "PATCH");
        var restart = await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30))));
        var refused = Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        Assert.Equal(403, refused.Status);
        Assert.Equal("failed", Assert.Single(restart.Audits("action")).GetProperty("outcome").GetString());
        var ledger = await _h.RestartLedgerItemAsync(App);
        Assert.Equal("failed", ledger["state"].S);

        var later = await _h.RollbackAsync(await _h.EventAsync(OomLines(App, 2 * StillMatching, Now)));

        var decision = later.Decision(Rollback, App);
        Assert.Equal("not_escalated", decision.GetProperty("outcome").GetString());
        Assert.EndsWith($"which has not run within 15m (its last attempt, at {Time(ledger["claimed_at"])}, is failed)",
            decision.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(later.Audits("action"));
        Assert.Empty(_h.GitHub.Dispatches);
    }

    [Fact]
    public async Task A_rehearsed_restart_lets_only_a_rehearsal_escalate()
    {
        var planned = await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30))), live: false);
        Assert.Equal("dry_run", planned.Decision(Restart, App).GetProperty("outcome").GetString());
        var later = await _h.EventAsync(OomLines(App, StillMatching, Now));

        var live = await _h.RollbackAsync(later);
        var rehearsal = await _h.RollbackAsync(later, live: false);

        var notEscalated = live.Decision(Rollback, App);
        Assert.Equal("not_escalated", notEscalated.GetProperty("outcome").GetString());
        Assert.EndsWith("(none recorded)", notEscalated.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var rehearsed = rehearsal.Decision(Rollback, App);
        Assert.Equal("dry_run", rehearsed.GetProperty("outcome").GetString());
        Assert.Contains($"(planned in dry-run, request {planned.RequestId}) and this rule matched {StillMatching} times since",
            rehearsed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Kubernetes.Requests, r => r.Mutates);
        Assert.Empty(_h.GitHub.Requests);
    }

    [Fact]
    public void The_ladders_rules_load_with_the_step_they_escalate_after()
    {
        var rules = Automation.Core.Rules.Loading.RulesLoader.Parse(RulesText(new Uri("http://127.0.0.1:1")), "ladder.yaml");

        var rollback = Assert.Single(rules.Rules, r => r.Id == Rollback);
        Assert.Equal((Restart, 0, "rollout_restart", TimeSpan.FromMinutes(15), StillMatching),
            (rollback.EscalateAfter!.RuleId, rollback.EscalateAfter.ActionIndex, rollback.EscalateAfter.ActionType, rollback.EscalateAfter.Within, rollback.EscalateAfter.StillMatching));
    }
}
