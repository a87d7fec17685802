using System.Text.Json;
using Automation.Cli;
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
using Automation.Testing;
using Automation.Testing.Kubernetes;
using Json.Schema;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Functions.Tests.Audit;

/// <summary>Every audit line the functions write holds to docs/schemas/audit-line.schema.json (docs/audit.md).</summary>
public sealed class AuditLineSchemaTests
{
    /// <summary>The one instance of the schema in this test run: JsonSchema.Net keeps schemas by $id in a global registry, where a second load of the same $id clashes.</summary>
    internal static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(Fixtures.RepoRoot, "docs", "schemas", "audit-line.schema.json"));

    /// <summary>The line holds to the schema; the errors, by place, when it does not.</summary>
    internal static void AssertValid(JsonElement line)
    {
        var result = Schema.Evaluate(line, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, line.GetRawText() + "\n" +
            string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    private static List<JsonElement> Audits(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(l => l.TryGetProperty("audit", out _))
        .ToList();

    public static TheoryData<string> Functions() => [.. FunctionCatalog.Functions.Keys];

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task Every_decision_line_of_every_sample_event_holds_to_the_schema(string function)
    {
        var lines = new List<JsonElement>();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "events"), "*.json").Order(StringComparer.Ordinal))
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = await new LocalInvoker(stdout, stderr, _ => null, TimeProvider.System)
                .InvokeAsync(function, file, null, null, TimeSpan.FromSeconds(30), live: false, CancellationToken.None);
            Assert.True(exit == LocalInvoker.Success, stderr.ToString());
            lines.AddRange(Audits(stderr.ToString()));
        }

        Assert.NotEmpty(lines);
        Assert.All(lines, AssertValid);
    }

    [Fact]
    public async Task Every_kind_of_action_line_holds_to_the_schema_and_a_broken_one_does_not()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var rules = RulesLoader.Parse("""
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                actions:
                  - type: restart_pod
            """, "rules.yaml");
        var output = new StringWriter();
        var store = new InMemoryRuleStateStore();
        var settings = new FunctionSettings("PodRestartFunction", ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml");
        var log = new JsonLog(output, time);
        var results = new Queue<ActionResult>([
            ActionResult.Succeeded("pod payments/api-0 deleted", new Dictionary<string, string> { ["apiCalls"] = "4" }),
            ActionResult.Failed("delete pod payments/api-1: 403 Forbidden"),
            ActionResult.Suppressed("budget for namespace payments exhausted: circuit open until 12:10"),
            ActionResult.Retry("the invocation's deadline came before the action finished"),
        ]);
        var services = new FunctionServices(settings, rules, log, FunctionSecrets.None, new ActionLedger(store, time), time);
        var sink = new ActionSink(new Dictionary<string, IActionExecutor> { ["restart_pod"] = new Scripted(results) }, services);
        var handler = new KafkaBatchHandler(settings, sink, new LogRecordParser(),
            new RuleEngine(rules, store, time, DecisionScope.ForFunction("PodRestartFunction"), dryRun: false), log, time);
        var payload = PodLogEvents.Event(
            Enumerable.Range(0, 4).Select(i => PodLogEvents.Line("payments", "api", "7d9f8b6c5d", $"x{i}", "java.lang.OutOfMemoryError", time.GetUtcNow())),
            time.GetUtcNow());

        await handler.HandleAsync(payload, new LambdaContext("req-1", time.GetUtcNow().AddMinutes(1), null, null), CancellationToken.None);

        var actions = Audits(output.ToString()).Where(l => l.GetProperty("audit").GetString() == "action").ToList();
        Assert.Equal(["succeeded", "failed", "suppressed", "retry"], actions.Select(a => a.GetProperty("outcome").GetString()));
        Assert.All(Audits(output.ToString()), AssertValid);
        using var broken = JsonDocument.Parse(actions[0].GetRawText().Replace("\"succeeded\"", "\"maybe\"", StringComparison.Ordinal));
        Assert.False(Schema.Evaluate(broken.RootElement).IsValid);
    }

    private sealed class Scripted(Queue<ActionResult> results) : IActionExecutor
    {
        public Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken) => Task.FromResult(results.Dequeue());
    }
}
