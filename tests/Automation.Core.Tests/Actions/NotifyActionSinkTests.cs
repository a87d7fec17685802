using System.Text.Json;
using Automation.Core.Actions;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Notify;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.Core.Tests.Pipeline;
using Automation.Testing.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Actions;

/// <summary>
/// notify in the action stage, through the whole handler: it runs after the rule's other actions and reports how they
/// ended, to a Slack-compatible webhook on 127.0.0.1 through the real Notifier; once per firing, across redeliveries.
/// </summary>
public sealed class NotifyActionSinkTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _logOutput = new();
    private readonly InMemoryRuleStateStore _store = new();
    private int _restarts;
    private FakeWebhook _webhook = null!;
    private Func<ActionResult> _restart = () => ActionResult.Succeeded("pod payments/api-1 deleted");

    private static RuleSet Rules(string on = "[fired, suppressed, failed, resolved]") => RulesLoader.Parse($$$"""
        version: 1
        rules:
          - id: oom
            description: Out of memory
            match: { contains: OutOfMemoryError }
            cooldown: 15m
            resolve_after: 10m
            actions:
              - type: restart_pod
              - type: notify
                on: {{{on}}}
                text: "{{ kubernetes.pod_name }} ran out of memory"
          - id: page
            match: { contains: PAGE }
            cooldown: 5m
            actions:
              - type: notify
        """, "rules.yaml");

    public async Task InitializeAsync() => _webhook = await FakeWebhook.StartAsync();

    public async Task DisposeAsync()
    {
        // The webhook URL is a secret: nowhere in what the function wrote.
        Assert.DoesNotContain(_webhook.Path[(_webhook.Path.LastIndexOf('/') + 1)..], _logOutput.ToString(), StringComparison.Ordinal);
        await _webhook.DisposeAsync();
    }

    private (KafkaBatchHandler Batches, RecoverySweepHandler Sweep) Handlers(RuleSet rules, bool withChannel = true)
    {
        var settings = new FunctionSettings("PodRestartFunction", ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml");
        var log = new JsonLog(_logOutput, _time);
        var notifier = withChannel
            ? new Notifier([new WebhookSender(_ => Task.FromResult(_webhook.Url.ToString()), WebhookSender.CreateHttpClient(), TimeProvider.System)],
                new NotifyRetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) }, TimeProvider.System, log)
            : null;
        var services = new FunctionServices(settings, rules, log, FunctionSecrets.None, new ActionLedger(_store, _time), _time) { Notifier = notifier };
        var sink = new ActionSink(new Dictionary<string, IActionExecutor> { ["restart_pod"] = new Executor(this) }, services);
        var engine = new RuleEngine(rules, _store, _time, DecisionScope.ForFunction("PodRestartFunction"), settings.DryRun);
        return (new KafkaBatchHandler(settings, sink, new LogRecordParser(), engine, log, _time), new RecoverySweepHandler(settings, sink, engine, log, _time));
    }

    // The real clock decides the notifier's deadline; the fake one the rules' windows.
    private static LambdaContext Context(string requestId) => new(requestId, DateTimeOffset.UtcNow.AddSeconds(20), null, null);

    private static byte[] Batch(long offset, string line = "java.lang.OutOfMemoryError: Java heap space") =>
        TestEvents.Event(TestEvents.Record("logs", 0, offset, TestEvents.FluentBitLine("api-1", line)));

    private List<JsonElement> Audits(string kind) => _logOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == kind)
        .ToList();

    private List<JsonElement> NotifyAudits() => Audits("action").Where(a => a.GetProperty("action").GetProperty("type").GetString() == "notify").ToList();

    private static async Task<JsonElement> Answer(ILambdaHandler handler, byte[] payload, string requestId)
    {
        using var answer = JsonDocument.Parse(await handler.HandleAsync(payload, Context(requestId), CancellationToken.None));
        return answer.RootElement.Clone();
    }

    private string Text(int post) => JsonDocument.Parse(_webhook.Posts[post].Body).RootElement.GetProperty("text").GetString()!;

    [Fact]
    public async Task A_fired_rule_notifies_after_its_restart_with_how_it_ended()
    {
        var (batches, _) = Handlers(Rules());

        await Answer(batches, Batch(1), "req-1");

        var post = Assert.Single(_webhook.Posts);
        var text = Text(0);
        Assert.Equal(200, post.AnsweredStatus);
        Assert.Contains("*Fired*: rule *oom*", text, StringComparison.Ordinal);
        Assert.Contains("api-1 ran out of memory", text, StringComparison.Ordinal);
        Assert.Contains("restart_pod on restart_pod namespace=payments pod=api-1: succeeded. pod payments/api-1 deleted", text, StringComparison.Ordinal);
        var audit = Assert.Single(NotifyAudits());
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.True(audit.GetProperty("ledgerRecorded").GetBoolean());
        // The restart's audit line comes first: notify reports on it.
        Assert.Equal(["restart_pod", "notify"], Audits("action").Select(a => a.GetProperty("action").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_suppressed_or_failed_restart_is_the_notices_event_and_on_filters_what_is_sent()
    {
        _restart = () => ActionResult.Suppressed("budget kubernetes|main exhausted: circuit open until 12:10");
        var (batches, _) = Handlers(Rules());
        await Answer(batches, Batch(1), "req-1");
        _time.Advance(TimeSpan.FromMinutes(16));
        _restart = () => ActionResult.Failed("the API answered 403");
        await Answer(batches, Batch(2), "req-2");

        Assert.Equal(2, _webhook.Posts.Count);
        Assert.Contains("*Suppressed by a guardrail*", Text(0), StringComparison.Ordinal);
        Assert.Contains("circuit open until 12:10", Text(0), StringComparison.Ordinal);
        Assert.Contains("*Failed*", Text(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_to_say_sends_nothing_and_releases_the_claim()
    {
        var (batches, _) = Handlers(Rules(on: "[failed]"));

        await Answer(batches, Batch(1), "req-1");

        Assert.Empty(_webhook.Posts);
        var audit = Assert.Single(NotifyAudits());
        Assert.Equal("skipped", audit.GetProperty("outcome").GetString());
        Assert.Equal("info", audit.GetProperty("level").GetString());
        Assert.Equal("nothing to notify: the actions ended succeeded, and on lists failed", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_hands_the_records_back_and_the_redelivery_notifies_once_without_restarting_again()
    {
        var (batches, _) = Handlers(Rules());
        _webhook.AnswerNext(WebhookAnswer.ServerError, WebhookAnswer.ServerError, WebhookAnswer.ServerError);

        var first = await Answer(batches, Batch(1), "req-1");
        var again = await Answer(batches, Batch(1), "req-2");

        Assert.Equal("logs-0", first.GetProperty("batchItemFailures")[0].GetProperty("itemIdentifier").GetProperty("partition").GetString());
        Assert.Empty(again.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(1, _restarts);
        Assert.Equal([500, 500, 500, 200], _webhook.Posts.Select(p => p.AnsweredStatus));
        // The redelivery reports the restart as the ledger recorded it.
        Assert.Contains("restart_pod on restart_pod namespace=payments pod=api-1: succeeded. pod payments/api-1 deleted", Text(3), StringComparison.Ordinal);
        Assert.Equal(["retry", "succeeded"], NotifyAudits().Select(a => a.GetProperty("outcome").GetString()));
        // A third delivery finds the notification done too.
        await Answer(batches, Batch(1), "req-3");
        Assert.Equal(4, _webhook.Posts.Count);
    }

    [Fact]
    public async Task Each_group_that_fires_is_told_of_on_its_own_in_the_batch_and_in_later_ones()
    {
        // Without a text naming a record field, notify's target is the same for every group: unless its group is in
        // the ledger key, the first group's notice holds every other group's in cooldown, and their restarts go untold.
        var (batches, _) = Handlers(RulesLoader.Parse("""
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                cooldown: 15m
                actions:
                  - type: restart_pod
                  - type: notify
            """, "rules.yaml"));
        const string oom = "java.lang.OutOfMemoryError: Java heap space";

        await Answer(batches, TestEvents.Event(
            TestEvents.Record("logs", 0, 1, TestEvents.FluentBitLine("api-1", oom)),
            TestEvents.Record("logs", 0, 2, TestEvents.FluentBitLine("api-2", oom))), "req-1");
        await Answer(batches, TestEvents.Event(TestEvents.Record("logs", 0, 3, TestEvents.FluentBitLine("api-3", oom))), "req-2");

        Assert.Equal(3, _restarts);
        Assert.Equal(["succeeded", "succeeded", "succeeded"], NotifyAudits().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal(3, _webhook.Posts.Count);
        Assert.All(new[] { "api-1", "api-2", "api-3" }, pod => Assert.Single(Enumerable.Range(0, 3), i => Text(i).Contains($"pod={pod}: succeeded", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_run_page_the_action_gave_is_the_notices_run_link_and_the_api_url_is_not_a_link()
    {
        _restart = () => ActionResult.Succeeded("dispatched rollback.yml on acme/payments@main: run 1", new Dictionary<string, string>
        {
            ["runId"] = "1",
            ["runUrl"] = "https://api.github.com/repos/acme/payments/actions/runs/1",
            ["htmlUrl"] = "https://github.com/acme/payments/actions/runs/1",
        });
        var (batches, _) = Handlers(Rules());

        await Answer(batches, Batch(1), "req-1");

        var line = Assert.Single(Text(0).Split('\n'), l => l.StartsWith("• restart_pod", StringComparison.Ordinal));
        Assert.EndsWith(": run 1 <https://github.com/acme/payments/actions/runs/1|run>", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusing_webhook_fails_the_notice_without_holding_the_partition()
    {
        var (batches, _) = Handlers(Rules());
        _webhook.AnswerNext(WebhookAnswer.ChannelIsArchived);

        var answer = await Answer(batches, Batch(1), "req-1");

        Assert.Empty(answer.GetProperty("batchItemFailures").EnumerateArray());
        var audit = Assert.Single(NotifyAudits());
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("410 channel_is_archived", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_that_only_notifies_sends_when_it_fires_and_its_cooldown_holds_the_next()
    {
        var (batches, _) = Handlers(Rules());

        await Answer(batches, Batch(1, "PAGE the on-call: disk full"), "req-1");
        await Answer(batches, Batch(2, "PAGE the on-call: disk full"), "req-2");

        Assert.Single(_webhook.Posts);
        Assert.Contains("*Fired*: rule *page*", Text(0), StringComparison.Ordinal);
        Assert.Equal("in_cooldown", Audits("decision").Last(d => d.GetProperty("rule").GetString() == "page").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_sweep_resolves_a_quiet_rule_and_tells_people_once()
    {
        var (batches, sweep) = Handlers(Rules());
        await Answer(batches, Batch(1), "req-1");
        _time.Advance(TimeSpan.FromMinutes(9));
        var early = await Answer(sweep, """{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""u8.ToArray(), "sweep-1");
        _time.Advance(TimeSpan.FromMinutes(1));
        var resolved = await Answer(sweep, """{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""u8.ToArray(), "sweep-2");
        await Answer(sweep, """{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""u8.ToArray(), "sweep-3");

        Assert.Equal(0, early.GetProperty("resolved").GetInt32());
        Assert.Equal(1, resolved.GetProperty("resolved").GetInt32());
        Assert.Equal(2, _webhook.Posts.Count);
        Assert.Contains("*Resolved*: rule *oom*", Text(1), StringComparison.Ordinal);
        Assert.Contains("no match for 10m since the last one at 2026-11-27T12:00:00.000Z; fired at 2026-11-27T12:00:00.000Z by request req-1", Text(1), StringComparison.Ordinal);
        var decision = Assert.Single(Audits("decision"), d => d.GetProperty("outcome").GetString() == "resolved");
        Assert.Equal("sweep-2", decision.GetProperty("requestId").GetString());
        var notice = NotifyAudits().Last();
        Assert.Equal("succeeded", notice.GetProperty("outcome").GetString());
        Assert.False(notice.TryGetProperty("ledgerRecorded", out _));
    }

    [Fact]
    public async Task Without_a_channel_the_notice_fails_saying_what_to_configure()
    {
        var (batches, _) = Handlers(Rules(), withChannel: false);

        await Answer(batches, Batch(1), "req-1");

        var audit = Assert.Single(NotifyAudits());
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal("PodRestartFunction has no notification channel: set NOTIFY_WEBHOOK_SECRET_ARN or NOTIFY_QUEUE_URL (docs/notify.md)", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task While_the_restart_is_in_cooldown_notify_claims_nothing_and_tells_nothing()
    {
        var (batches, _) = Handlers(Rules(on: "[failed]"));
        await Answer(batches, Batch(1), "req-1");
        _time.Advance(TimeSpan.FromMinutes(1));

        await Answer(batches, Batch(2), "req-2");
        await Answer(batches, Batch(3), "req-3");

        Assert.Empty(_webhook.Posts);
        // One skipped notice for the firing; the later batches' notify decisions follow the restart's cooldown.
        Assert.Single(NotifyAudits());
        var later = Audits("decision").Where(d => d.GetProperty("action").GetProperty("type").GetString() == "notify").Skip(1).ToList();
        Assert.Equal(2, later.Count);
        Assert.All(later, d =>
        {
            Assert.Equal("in_cooldown", d.GetProperty("outcome").GetString());
            Assert.EndsWith("notify tells of restart_pod, which is in_cooldown here: nothing to tell", d.GetProperty("reason").GetString(), StringComparison.Ordinal);
        });
    }

    private sealed class Executor(NotifyActionSinkTests test) : IActionExecutor
    {
        public Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
        {
            test._restarts++;
            return Task.FromResult(test._restart());
        }
    }
}
