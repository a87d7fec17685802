using System.Text.Json;
using Automation.Core.Actions;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.Core.Tests.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Actions;

/// <summary>The action stage through the whole handler: decisions from real rules, outcomes into the ledger, audit lines out.</summary>
public sealed class ActionSinkTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _logOutput = new();
    private readonly InMemoryRuleStateStore _store = new();
    private readonly List<ActionRequest> _requests = [];
    private Func<ActionRequest, CancellationToken, ActionResult> _execute = (_, _) => ActionResult.Succeeded("pod deleted");

    private static readonly RuleSet Rules = RulesLoader.Parse("""
        version: 1
        rules:
          - id: oom
            match: { contains: OutOfMemoryError }
            cooldown: 15m
            actions:
              - type: restart_pod
          - id: noisy
            match: { contains: WARN }
        """, "rules.yaml");

    private KafkaBatchHandler Handler(bool dryRun = false)
    {
        var settings = new FunctionSettings("PodRestartFunction", ReportBatchItemFailures: true, dryRun, LogSeverity.Info, "rules.yaml");
        var log = new JsonLog(_logOutput, _time);
        var services = new FunctionServices(settings, Rules, log, FunctionSecrets.None, new ActionLedger(_store, _time), _time);
        var sink = new ActionSink(new Dictionary<string, IActionExecutor> { ["restart_pod"] = new Executor(this) }, services);
        return new KafkaBatchHandler(settings, sink, new LogRecordParser(),
            new RuleEngine(Rules, _store, _time, DecisionScope.ForFunction("PodRestartFunction"), dryRun), log, _time);
    }

    private LambdaContext Context(string requestId) => new(requestId, _time.GetUtcNow().AddMinutes(1), null, null);

    private static byte[] Batch(long offset, string pod = "api-1") => TestEvents.Event(
        TestEvents.Record("logs", 0, offset, TestEvents.FluentBitLine(pod, "java.lang.OutOfMemoryError: Java heap space")),
        TestEvents.Record("logs", 0, offset + 1, TestEvents.FluentBitLine(pod, "WARN slow")));

    private List<JsonElement> Lines(string audit) => _logOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == audit)
        .ToList();

    private async Task<JsonElement> HandleAsync(byte[] payload, string requestId, bool dryRun = false)
    {
        using var response = JsonDocument.Parse(await Handler(dryRun).HandleAsync(payload, Context(requestId), CancellationToken.None));
        return response.RootElement.Clone();
    }

    private async Task<LedgerEntry> LedgerOf(string rule)
    {
        var key = Assert.Single(_requests, r => r.Decision.RuleId == rule).Decision.LedgerKey!;
        return (await _store.ReadAsync(key, CancellationToken.None))!;
    }

    [Fact]
    public async Task A_fired_action_runs_once_with_its_trigger_and_its_outcome_reaches_ledger_and_audit()
    {
        _execute = (_, _) => ActionResult.Succeeded("pod payments/api-1 deleted", new Dictionary<string, string> { ["status"] = "200" });

        var response = await HandleAsync(Batch(10), "req-1");

        var request = Assert.Single(_requests);
        Assert.Equal("oom", request.Decision.RuleId);
        Assert.Equal("api-1", request.Trigger.Kubernetes!.PodName);
        Assert.Equal("req-1", request.Context.AwsRequestId);
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var entry = await LedgerOf("oom");
        Assert.Equal((LedgerState.Succeeded, "pod payments/api-1 deleted", "req-1"), (entry.State, entry.Detail, entry.RequestId));
        var audit = Assert.Single(Lines("action"));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("info", audit.GetProperty("level").GetString());
        Assert.Equal("200", audit.GetProperty("facts").GetProperty("status").GetString());
        Assert.Equal("restart_pod", audit.GetProperty("action").GetProperty("type").GetString());
        Assert.True(audit.GetProperty("ledgerRecorded").GetBoolean());

        // The same batch again: already done, the executor is not called.
        await HandleAsync(Batch(10), "req-2");
        Assert.Single(_requests);
    }

    [Fact]
    public async Task A_retry_hands_the_records_back_and_releases_the_claim_so_the_redelivery_acts()
    {
        _execute = (_, _) => ActionResult.Retry("429 from the API server; retry-after 30s is past the deadline");

        var first = await HandleAsync(Batch(10), "req-1");
        _execute = (_, _) => ActionResult.Succeeded("pod deleted");
        var redelivered = await HandleAsync(Batch(10), "req-2");

        var failure = Assert.Single(first.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(10, failure.GetProperty("itemIdentifier").GetProperty("offset").GetInt64());
        Assert.Equal(0, redelivered.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal(2, _requests.Count);
        Assert.Equal(["retry", "succeeded"], Lines("action").Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal("error", Lines("action")[0].GetProperty("level").GetString());
    }

    [Fact]
    public async Task A_suppressed_action_is_a_warning_and_the_next_match_may_act()
    {
        _execute = (_, _) => ActionResult.Suppressed("budget restarts per namespace payments exhausted (5 within 1h): circuit open until 13:00");

        await HandleAsync(Batch(10), "req-1");
        _execute = (_, _) => ActionResult.Succeeded("pod deleted");
        await HandleAsync(Batch(20), "req-2");

        Assert.Equal(["suppressed", "succeeded"], Lines("action").Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal("warn", Lines("action")[0].GetProperty("level").GetString());
        Assert.Contains("circuit open", Lines("action")[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_action_keeps_its_cooldown()
    {
        _execute = (_, _) => ActionResult.Failed("403 Forbidden: pods \"api-1\" is forbidden");

        await HandleAsync(Batch(10), "req-1");
        var next = await HandleAsync(Batch(20), "req-2");

        Assert.Single(_requests);
        Assert.Equal(0, next.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal(LedgerState.Failed, (await LedgerOf("oom")).State);
        Assert.Equal("in_cooldown", Lines("decision").Last(d => d.GetProperty("rule").GetString() == "oom").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_executor_that_throws_fails_its_action_without_quoting_the_exception_and_the_batch_goes_on()
    {
        _execute = (_, _) => throw new InvalidOperationException("token ghp_secret123 rejected");

        var response = await HandleAsync(Batch(10), "req-1");

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var audit = Assert.Single(Lines("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains(nameof(InvalidOperationException), audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_secret123", _logOutput.ToString(), StringComparison.Ordinal);
        Assert.Equal(LedgerState.Failed, (await LedgerOf("oom")).State);
    }

    [Fact]
    public async Task An_action_cut_short_by_the_deadline_is_retried()
    {
        using var deadline = new CancellationTokenSource();
        _execute = (_, token) =>
        {
            deadline.Cancel();
            token.ThrowIfCancellationRequested();
            return ActionResult.Succeeded("unreachable");
        };

        using var response = JsonDocument.Parse(await Handler().HandleAsync(Batch(10), Context("req-1"), deadline.Token));

        Assert.Single(response.RootElement.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal("retry", Assert.Single(Lines("action")).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Dry_run_and_decisions_without_actions_never_reach_an_executor()
    {
        await HandleAsync(Batch(10), "req-1", dryRun: true);

        Assert.Empty(_requests);
        Assert.Empty(Lines("action"));
        Assert.Equal(["dry_run"], Lines("decision").Where(d => d.GetProperty("rule").GetString() == "oom").Select(d => d.GetProperty("outcome").GetString()));
    }

    private sealed class Executor(ActionSinkTests test) : IActionExecutor
    {
        public Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
        {
            test._requests.Add(request);
            return Task.FromResult(test._execute(request, cancellationToken));
        }
    }
}
