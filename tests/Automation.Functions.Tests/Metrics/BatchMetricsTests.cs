using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
using Microsoft.Extensions.Time.Testing;

namespace Automation.Functions.Tests.Metrics;

/// <summary>
/// The metrics of real batches through KafkaBatchHandler and ActionSink (in-memory state, a fake clock): every line
/// is valid EMF, and its counts are what the batch and the audit lines say happened.
/// </summary>
public sealed class BatchMetricsTests
{
    private const string Namespace = "Payments/Automation";
    private static readonly TimeSpan ActionTime = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _output = new();
    private readonly InMemoryRuleStateStore _store = new();
    private Func<ActionResult> _result = () => ActionResult.Succeeded("pod deleted");

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
          - id: never
            match: { contains: this text is in no record }
        """, "rules.yaml");

    private KafkaBatchHandler Handler()
    {
        var settings = new FunctionSettings("PodRestartFunction", ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml");
        var log = new JsonLog(_output, _time);
        var options = MetricsOptions.FromEnvironment(name => name == MetricsOptions.NamespaceVariable ? Namespace : null);
        var metrics = new EmbeddedMetrics(_output, _time, options.Namespace, settings.FunctionName);
        var services = new FunctionServices(settings, Rules, log, FunctionSecrets.None, new ActionLedger(_store, _time), _time) { Metrics = metrics };
        var sink = new ActionSink(new Dictionary<string, IActionExecutor> { ["restart_pod"] = new Executor(this) }, services);
        return new KafkaBatchHandler(settings, sink, new LogRecordParser(),
            new RuleEngine(Rules, _store, _time, DecisionScope.ForFunction(settings.FunctionName), dryRun: false), log, _time, metrics);
    }

    /// <summary>An OOM line, two WARN lines, a value that looks like JSON and is not, and an entry whose value is not base64.</summary>
    private static byte[] Batch(long offset)
    {
        JsonObject Record(long at, string value) => new()
        {
            ["topic"] = "k8s-logs",
            ["partition"] = 0,
            ["offset"] = at,
            ["timestamp"] = 1_700_000_000_000 + at,
            ["timestampType"] = "CREATE_TIME",
            ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
            ["headers"] = new JsonArray(),
        };
        var undecodable = Record(offset + 4, "");
        undecodable["value"] = "%%% not base64 %%%";
        var records = new JsonArray(
            Record(offset, FluentBit("java.lang.OutOfMemoryError: Java heap space")),
            Record(offset + 1, FluentBit("WARN slow response")),
            Record(offset + 2, FluentBit("WARN pool almost empty")),
            Record(offset + 3, """{"log": "cut off"""),
            undecodable);
        var root = new JsonObject
        {
            ["eventSource"] = "aws:kafka",
            ["eventSourceArn"] = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs/abc",
            ["records"] = new JsonObject { ["k8s-logs-0"] = records },
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static string FluentBit(string log) => new JsonObject
    {
        ["log"] = log,
        ["stream"] = "stderr",
        ["kubernetes"] = new JsonObject { ["pod_name"] = "api-1", ["namespace_name"] = "payments", ["container_name"] = "api" },
    }.ToJsonString();

    private async Task<JsonElement> HandleAsync(long offset, string requestId)
    {
        var context = new LambdaContext(requestId, _time.GetUtcNow().AddMinutes(1), null, null);
        using var response = JsonDocument.Parse(await Handler().HandleAsync(Batch(offset), context, CancellationToken.None));
        return response.RootElement.Clone();
    }

    private List<JsonElement> Audit(string kind) => [.. _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == kind)];

    [Fact]
    public async Task A_batch_writes_valid_EMF_whose_counts_match_the_batch_and_its_audit_lines()
    {
        var started = _time.GetUtcNow();

        await HandleAsync(10, "req-1");

        var lines = EmfSpecification.Lines(_output.ToString());
        Assert.All(lines, line =>
        {
            Assert.Equal(Namespace, line.Namespace);
            Assert.Equal("PodRestartFunction", line.Dimension(MetricNames.Function));
            Assert.InRange(line.Timestamp, started.ToUnixTimeMilliseconds(), (started + ActionTime).ToUnixTimeMilliseconds());
        });

        var batch = Assert.Single(lines, l => l.Metrics.ContainsKey(MetricNames.RecordsIn));
        Assert.Equal(["Function"], batch.SetNames);
        Assert.Equal(5, batch.Value(MetricNames.RecordsIn));
        Assert.Equal(4, batch.Value(MetricNames.LogRecords));
        Assert.Equal(1, batch.Value(MetricNames.DecodeFailures));
        Assert.Equal(1, batch.Value(MetricNames.ParseFailures));
        Assert.Equal(3, batch.Value(MetricNames.Matches));
        Assert.Equal(0, batch.Value(MetricNames.RecordsRetried));
        Assert.Equal(ActionTime.TotalMilliseconds, batch.Value(MetricNames.BatchDuration));
        Assert.Equal("Milliseconds", batch.Metrics[MetricNames.BatchDuration].Unit);
        Assert.Equal("Count", batch.Metrics[MetricNames.RecordsIn].Unit);

        // Matches per rule: one line per rule that matched, none for the rule that did not.
        var perRule = lines.Where(l => l.Dimension(MetricNames.Rule) is not null).ToDictionary(l => l.Dimension(MetricNames.Rule)!, l => l.Value(MetricNames.Matches));
        Assert.Equal(new Dictionary<string, double> { ["oom"] = 1, ["noisy"] = 2 }, perRule);
        Assert.Equal(batch.Value(MetricNames.Matches), perRule.Values.Sum());

        // Decisions per outcome: exactly what the decision audit lines say.
        var decisions = lines.Where(l => l.Metrics.ContainsKey(MetricNames.Decisions))
            .ToDictionary(l => l.Dimension(MetricNames.Outcome)!, l => l.Value(MetricNames.Decisions));
        var audited = Audit("decision").GroupBy(d => d.GetProperty("outcome").GetString()!).ToDictionary(g => g.Key, g => (double)g.Count());
        Assert.NotEmpty(audited);
        Assert.Equal(audited.OrderBy(p => p.Key), decisions.OrderBy(p => p.Key));
        Assert.All(lines.Where(l => l.Metrics.ContainsKey(MetricNames.Decisions)), l => Assert.Equal(["Function,Outcome"], l.SetNames));

        // The action: count and latency by action type and outcome, and by outcome alone.
        var action = Assert.Single(lines, l => l.Metrics.ContainsKey(MetricNames.Actions));
        Assert.Equal(["Function,ActionType,Outcome", "Function,Outcome"], action.SetNames);
        Assert.Equal("restart_pod", action.Dimension(MetricNames.ActionType));
        Assert.Equal(ActionAudit.StatusName(ActionStatus.Succeeded), action.Dimension(MetricNames.Outcome));
        Assert.Equal(1, action.Value(MetricNames.Actions));
        Assert.Equal(ActionTime.TotalMilliseconds, action.Value(MetricNames.ActionLatency));
        Assert.Equal(Assert.Single(Audit("action")).GetProperty("durationMs").GetDouble(), action.Value(MetricNames.ActionLatency));
    }

    [Fact]
    public async Task A_suppressed_action_is_counted_by_outcome_and_a_retried_one_counts_the_records_handed_back()
    {
        _result = () => ActionResult.Suppressed("budget restarts per namespace payments exhausted (5 within 1h): circuit open until 13:00");
        await HandleAsync(10, "req-1");
        _result = () => ActionResult.Retry("429 from the API server; retry-after 30s is past the deadline");
        var retried = await HandleAsync(20, "req-2");

        var lines = EmfSpecification.Lines(_output.ToString());
        var actions = lines.Where(l => l.Metrics.ContainsKey(MetricNames.Actions)).ToList();
        Assert.Equal(
            [ActionAudit.StatusName(ActionStatus.Suppressed), ActionAudit.StatusName(ActionStatus.Retry)],
            actions.Select(a => a.Dimension(MetricNames.Outcome)));
        Assert.All(actions, a => Assert.Contains("Function,Outcome", a.SetNames));
        Assert.Equal(Audit("action").Select(a => a.GetProperty("outcome").GetString()), actions.Select(a => a.Dimension(MetricNames.Outcome)));

        var batches = lines.Where(l => l.Metrics.ContainsKey(MetricNames.RecordsIn)).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal(0, batches[0].Value(MetricNames.RecordsRetried));
        Assert.Equal(retried.GetProperty("batchItemFailures").GetArrayLength(), batches[1].Value(MetricNames.RecordsRetried));
        Assert.True(batches[1].Value(MetricNames.RecordsRetried) > 0);
    }

    private sealed class Executor(BatchMetricsTests test) : IActionExecutor
    {
        public Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
        {
            test._time.Advance(ActionTime);
            return Task.FromResult(test._result());
        }
    }
}
