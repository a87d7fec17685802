using Automation.Testing;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;
using Automation.Functions.Tests.Ladder;
using Automation.PodRestarter;
using Automation.Testing.Kubernetes;
using static Automation.Functions.Tests.Notify.NotifyHarness;

namespace Automation.Functions.Tests.Notify;

/// <summary>
/// docs/rules.md "Notify" and "Recovery" end to end in PodRestartFunction: a crash-looping app is rollout-restarted on
/// the fake Kubernetes API and people hear of it once, on the webhook (its URL in moto's Secrets Manager) and on
/// moto's SQS queue; the same batch again tells no one twice; a budget that holds a restart back is a "suppressed"
/// notice; the scheduled sweep (events/recovery-sweep.json) resolves the quiet group once and says so. Each step is a
/// real `invoke --live` in its own process against one moto table, so time is the clock: the sweeps are polled.
/// </summary>
public sealed class RestartNotifyEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Rule = "payments-oom";
    private const string Deployment = "/apis/apps/v1/namespaces/payments/deployments/";

    // Polls are real invocations (a CLI process each, under a second to a few): bounded by time, not by a count.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private NotifyHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private static string Rules(string resolveAfter, int budget = 5) => $$$"""
        version: 1
        rules:
          - id: {{{Rule}}}
            description: Restart the app that runs out of memory
            match: { contains: java.lang.OutOfMemoryError }
            threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
            cooldown: 15m
            resolve_after: {{{resolveAfter}}}
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
              - type: notify
                on: [fired, suppressed, failed, resolved]
        """ + "\n" + KubernetesSection(budget);

    [Fact]
    public async Task A_crash_loop_is_restarted_and_told_once_and_its_quiet_end_is_resolved_once()
    {
        await _h.WriteRulesAsync(Rules("2s"));
        var burst = await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30)));

        // (a) The restart, then one notice of it on each channel.
        var fired = await _h.RestartAsync(burst);

        var patch = Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        Assert.Equal(("PATCH", Deployment + App, 200), (patch.Method, patch.Path, patch.Status));
        var restart = Assert.Single(fired.Audits("action"), a => Type(a) == "rollout_restart");
        Assert.Equal("succeeded", restart.GetProperty("outcome").GetString());
        var notify = Assert.Single(fired.Audits("action"), a => Type(a) == "notify");
        Assert.Equal("succeeded", notify.GetProperty("outcome").GetString());
        Assert.Equal("accepted", notify.GetProperty("facts").GetProperty("webhook").GetString());
        Assert.Equal("accepted", notify.GetProperty("facts").GetProperty("sqs").GetString());
        // Notify runs after the restart it reports on.
        Assert.Equal(["rollout_restart", "notify"], fired.Audits("action").Select(Type));

        var post = Assert.Single(_h.Webhook.Posts);
        Assert.Equal((200, "application/json"), (post.AnsweredStatus, post.ContentType?.Split(';')[0]));
        var text = Assert.Single(_h.Texts()).Split('\n');
        Assert.Equal($"*Fired*: rule *{Rule}* (Restart the app that runs out of memory)", text[0]);
        Assert.Contains(text, l => l.StartsWith($"• rollout_restart on {restart.GetProperty("target").GetString()}: succeeded. {restart.GetProperty("detail").GetString()}", StringComparison.Ordinal));
        Assert.Equal($"PodRestartFunction · request {fired.RequestId} · ", text[^1][..^"2026-11-27T12:00:00Z".Length]);
        Assert.StartsWith("Triggers: k8s-logs-0@1000, k8s-logs-0@1001, k8s-logs-0@1002", text[^2], StringComparison.Ordinal);

        var message = Assert.Single(await _h.MessagesAsync());
        var (valid, errors) = NotificationSchema.Validate(message.Body);
        Assert.True(valid, errors);
        using (var body = JsonDocument.Parse(message.Body))
        {
            var root = body.RootElement;
            Assert.Equal(("fired", Rule, "PodRestartFunction", fired.RequestId), (S(root, "event"), S(root, "ruleId"), S(root, "function"), S(root, "requestId")));
            var action = Assert.Single(root.GetProperty("actions").EnumerateArray());
            Assert.Equal(("rollout_restart", "succeeded", restart.GetProperty("detail").GetString()), (S(action, "type"), S(action, "outcome"), S(action, "detail")));
            Assert.Equal(notify.GetProperty("facts").GetProperty("sqsMessageId").GetString(), message.MessageId);
            Assert.Equal(["fired", Rule], new[] { message.MessageAttributes["event"].StringValue, message.MessageAttributes["ruleId"].StringValue });
        }

        // (b) The same batch again: the ledger has both done; no restart, post or message twice.
        var again = await _h.RestartAsync(burst);

        Assert.All(again.Decisions(Rule), d => Assert.Equal("already_done", d.GetProperty("outcome").GetString()));
        Assert.Equal(2, again.Decisions(Rule).Count);
        Assert.Empty(again.Audits("action"));
        Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        Assert.Single(_h.Webhook.Posts);
        Assert.Single(await _h.MessagesAsync());

        // (c) No more matches: the sweep resolves the group once its 2s are over, and tells people once.
        var (answers, resolving) = await SweepUntilResolvedAsync();

        Assert.All(answers[..^1], a => Assert.Equal(0, a));
        var resolved = Assert.Single(resolving.Decisions(Rule));
        Assert.Equal("resolved", resolved.GetProperty("outcome").GetString());
        Assert.Equal(resolving.RequestId, resolved.GetProperty("requestId").GetString());
        Assert.Matches($@"^no match for 2s since the last one at \S+; fired at \S+ by request {fired.RequestId}$", resolved.GetProperty("reason").GetString());
        var notice = Assert.Single(resolving.Audits("action"));
        Assert.Equal(("notify", "succeeded"), (Type(notice), notice.GetProperty("outcome").GetString()));

        Assert.Equal(2, _h.Webhook.Posts.Count);
        var resolvedText = _h.Texts()[1].Split('\n');
        Assert.Equal($"*Resolved*: rule *{Rule}* (Restart the app that runs out of memory)", resolvedText[0]);
        Assert.Equal($"{Rule} resolved: {resolved.GetProperty("reason").GetString()}", resolvedText[1]);
        var messages = await _h.MessagesAsync();
        Assert.Equal(2, messages.Count);
        var (resolvedValid, resolvedErrors) = NotificationSchema.Validate(messages[1].Body);
        Assert.True(resolvedValid, resolvedErrors);
        using (var body = JsonDocument.Parse(messages[1].Body))
        {
            Assert.Equal(("resolved", Rule, resolving.RequestId), (S(body.RootElement, "event"), S(body.RootElement, "ruleId"), S(body.RootElement, "requestId")));
            Assert.Empty(body.RootElement.GetProperty("actions").EnumerateArray());
        }

        output.WriteLine(string.Join("\n\n", _h.Texts()));
        output.WriteLine($"sweeps until resolved: {answers.Count}");

        // (d) Later sweeps resolve nothing more and tell no one.
        var (later, laterRun) = await _h.SweepAsync(PodRestartFunction.LogicalId);
        Assert.Equal(0, later);
        Assert.Empty(laterRun.Audits("decision"));
        Assert.Equal(2, _h.Webhook.Posts.Count);
        Assert.Equal(2, (await _h.MessagesAsync()).Count);
    }

    [Fact]
    public async Task A_restart_the_budget_holds_back_is_a_suppressed_notice()
    {
        await _h.WriteRulesAsync(Rules("1h", budget: 1));

        // Two apps crash-loop in one batch; the namespace budget allows one restart.
        var run = await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30)).Concat(OomLines(OtherApp, 3, Now.AddSeconds(-30)))));

        var patch = Assert.Single(_h.Kubernetes.Requests, r => r.Mutates);
        var restarts = run.Audits("action").Where(a => Type(a) == "rollout_restart").ToList();
        Assert.Equal(["succeeded", "suppressed"], restarts.Select(a => a.GetProperty("outcome").GetString()));
        var held = restarts[1];
        Assert.StartsWith("CIRCUIT OPEN", held.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(Deployment + Workload(restarts[0]), patch.Path);

        Assert.Equal(2, _h.Webhook.Posts.Count);
        var titles = _h.Texts().Select(t => t.Split('\n')[0]).ToList();
        Assert.Equal([$"*Fired*: rule *{Rule}* (Restart the app that runs out of memory)", $"*Suppressed by a guardrail*: rule *{Rule}* (Restart the app that runs out of memory)"], titles);
        Assert.Contains(_h.Texts()[1].Split('\n'), l => l.StartsWith($"• rollout_restart on {held.GetProperty("target").GetString()}: suppressed. CIRCUIT OPEN", StringComparison.Ordinal));

        var messages = await _h.MessagesAsync();
        var (valid, errors) = NotificationSchema.Validate([.. messages.Select(m => m.Body)]);
        Assert.True(valid, errors);
        var bodies = messages.Select(m => JsonDocument.Parse(m.Body).RootElement).OrderBy(b => S(b, "event"), StringComparer.Ordinal).ToList();
        Assert.Equal(["fired", "suppressed"], bodies.Select(b => S(b, "event")));
        var suppressed = Assert.Single(bodies[1].GetProperty("actions").EnumerateArray());
        Assert.Equal(("suppressed", held.GetProperty("detail").GetString()), (S(suppressed, "outcome"), S(suppressed, "detail")));
        Assert.Contains($"\"{Workload(held)}\"", bodies[1].GetProperty("group").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_the_budget_let_through_later_is_told_after_its_suppressed_notice()
    {
        await _h.WriteRulesAsync(Rules("1h").Replace("budgets: { namespace: { count: 5, within: 10m } }", "budgets: { namespace: { count: 1, within: 3s } }", StringComparison.Ordinal));
        await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30))));
        var held = await _h.RestartAsync(await _h.EventAsync(OomLines(OtherApp, 3, Now.AddSeconds(-30))));
        Assert.Equal("suppressed", Assert.Single(held.Audits("action"), a => Type(a) == "rollout_restart").GetProperty("outcome").GetString());

        // The other app keeps failing; once the budget's 3s are over, its restart runs.
        var giveUp = Now + Patience;
        while (_h.Kubernetes.Requests.Count(r => r.Mutates) < 2)
        {
            Assert.True(Now < giveUp, $"no second restart within {Patience}");
            await _h.RestartAsync(await _h.EventAsync(OomLines(OtherApp, 1, Now)));
        }

        Assert.Equal(
            [$"*Fired*: rule *{Rule}*", $"*Suppressed by a guardrail*: rule *{Rule}*", $"*Fired*: rule *{Rule}*"],
            _h.Texts().Select(t => t.Split(" (", 2)[0]));
    }

    [Fact]
    public async Task A_restart_the_api_refuses_is_a_failed_notice()
    {
        await _h.WriteRulesAsync(Rules("1h"));
        _h.Kubernetes.Fail(403, "PATCH");

        var run = await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30))));

        var restart = Assert.Single(run.Audits("action"), a => Type(a) == "rollout_restart");
        Assert.Equal("failed", restart.GetProperty("outcome").GetString());
        var text = Assert.Single(_h.Texts()).Split('\n');
        Assert.Equal($"*Failed*: rule *{Rule}* (Restart the app that runs out of memory)", text[0]);
        Assert.Contains(text, l => l == $"• rollout_restart on {restart.GetProperty("target").GetString()}: failed. {restart.GetProperty("detail").GetString()}");
        var message = Assert.Single(await _h.MessagesAsync());
        var (valid, errors) = NotificationSchema.Validate(message.Body);
        Assert.True(valid, errors);
        using var body = JsonDocument.Parse(message.Body);
        Assert.Equal("failed", S(body.RootElement, "event"));
        Assert.Equal("failed", S(Assert.Single(body.RootElement.GetProperty("actions").EnumerateArray()), "outcome"));
    }

    [Fact]
    public async Task A_batch_without_the_groups_matches_resolves_it_too()
    {
        await _h.WriteRulesAsync(Rules("2s"));
        await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30))));

        // The stream goes on, without OOM lines: the batches themselves resolve the quiet group, no schedule needed.
        LadderRun resolving;
        var giveUp = Now + Patience;
        do
        {
            Assert.True(Now < giveUp, $"batches for {Patience} resolved nothing");
            resolving = await _h.RestartAsync(await _h.EventAsync([PodLogEvents.Line(Namespace, App, Hash(App), Suffixes[0], "GET /health 200", Now, level: "info")]));
        }
        while (resolving.Decisions(Rule).Count == 0);

        var resolved = Assert.Single(resolving.Decisions(Rule));
        Assert.Equal(("resolved", 0), (resolved.GetProperty("outcome").GetString(), resolved.GetProperty("batchMatches").GetInt32()));
        var notice = Assert.Single(resolving.Audits("action"));
        Assert.Equal(("notify", "succeeded"), (Type(notice), notice.GetProperty("outcome").GetString()));
        Assert.Equal(2, _h.Webhook.Posts.Count);
        Assert.StartsWith($"*Resolved*: rule *{Rule}*", _h.Texts()[1], StringComparison.Ordinal);
        var messages = await _h.MessagesAsync();
        Assert.Equal(["fired", "resolved"], messages.Select(m => S(JsonDocument.Parse(m.Body).RootElement, "event")));
        Assert.Equal(0, (await _h.SweepAsync(PodRestartFunction.LogicalId)).Resolved);
    }

    [Fact]
    public async Task A_match_after_the_firing_keeps_the_incident_open_for_another_quiet_period()
    {
        const int quietSeconds = 8;
        await _h.WriteRulesAsync(Rules($"{quietSeconds}s"));
        var fired = await _h.RestartAsync(await _h.EventAsync(OomLines(App, 3, Now.AddSeconds(-30))));
        var firedAt = Time(Assert.Single(fired.Decisions(Rule), d => Type(d) == "rollout_restart"));

        // Matches keep coming (in cooldown: nothing more is done) until the firing is more than a quiet period old.
        LadderRun last;
        var giveUp = Now + Patience;
        do
        {
            last = await _h.RestartAsync(await _h.EventAsync(OomLines(App, 1, Now)));
            Assert.All(last.Decisions(Rule), d => Assert.Equal("in_cooldown", d.GetProperty("outcome").GetString()));
            Assert.True(Now < giveUp, $"batches for {Patience} did not see {quietSeconds}s pass");
        }
        while (Time(last.Decisions(Rule)[0]) < firedAt.AddSeconds(quietSeconds));
        var lastMatch = Time(last.Decisions(Rule)[0]);

        // A sweep right after: the firing is a quiet period old, the last match is not.
        var (early, earlyRun) = await _h.SweepAsync(PodRestartFunction.LogicalId);
        var sweptAt = SweepTime(earlyRun);
        Assert.True(sweptAt >= firedAt.AddSeconds(quietSeconds), $"swept at {sweptAt:O}, fired at {firedAt:O}");
        Assert.True(sweptAt < lastMatch.AddSeconds(quietSeconds), $"the sweep came {(sweptAt - lastMatch).TotalSeconds}s after the last match: too slow a machine for this test");
        Assert.Equal(0, early);

        // Once the last match is a quiet period old, it resolves, naming that match.
        var (_, resolving) = await SweepUntilResolvedAsync();
        var resolved = Assert.Single(resolving.Decisions(Rule));
        var reason = resolved.GetProperty("reason").GetString()!;
        var since = DateTimeOffset.Parse(reason.Split(" since the last one at ")[1].Split(';')[0], CultureInfo.InvariantCulture);
        Assert.True(since >= lastMatch.AddSeconds(-1), $"{reason} (the last batch decided at {lastMatch:O})");
        Assert.Equal(1, _h.Texts().Count(t => t.StartsWith("*Resolved*", StringComparison.Ordinal)));
        Assert.Equal(2, _h.Webhook.Posts.Count);
    }

    /// <summary>Scheduled invocations, one after another, until one resolves something: each one's answer, and the log of the last.</summary>
    private async Task<(List<int> Answers, LadderRun Run)> SweepUntilResolvedAsync()
    {
        var answers = new List<int>();
        var giveUp = Now + Patience;
        while (true)
        {
            var (resolved, run) = await _h.SweepAsync(PodRestartFunction.LogicalId);
            answers.Add(resolved);
            if (resolved > 0)
            {
                Assert.Equal(1, resolved);
                return (answers, run);
            }
            Assert.Empty(run.Audits("decision"));
            Assert.True(Now < giveUp, $"{answers.Count} sweeps in {Patience} resolved nothing; the last one logged:\n{string.Join("\n", run.Lines.Select(l => l.GetRawText()))}");
        }
    }

    private static string Type(JsonElement line) => line.TryGetProperty("action", out var action) ? action.GetProperty("type").GetString()! : "";

    private static string S(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static string Workload(JsonElement action) =>
        action.GetProperty("target").GetString()!.Split("workload=")[1];

    private static DateTimeOffset Time(JsonElement line) => DateTimeOffset.Parse(line.GetProperty("time").GetString()!, CultureInfo.InvariantCulture);

    private static DateTimeOffset SweepTime(LadderRun run) => Time(Assert.Single(run.Lines, l => l.TryGetProperty("message", out var m) && m.GetString() == "recovery sweep"));
}
