using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.Testing;

namespace Automation.Benchmarks;

/// <summary>
/// Counts the DynamoDB calls the rules engine makes for one batch (issue: one state update per group, not per record):
/// 10,000 Fluent Bit records over 20 workloads, 50 threshold rules grouped by workload, against moto's server on
/// 127.0.0.1 with every HTTP call counted. Scenarios: every record matches every rule (the worst case), 1% of the
/// records match (spread over every group), live, and live with the ladder: half the rules escalate after the other
/// half's restarts and every rule resolves (escalate_after, resolve_after, and the recovery sweep of each batch).
/// </summary>
internal static class StateCallsMeasurement
{
    private const int Records = 10_000;
    private const int Groups = 20;
    private const int RuleCount = 50;

    public static async Task<int> RunAsync()
    {
        using var moto = new MotoServer();
        var http = new CountingHttpClientFactory();
        using var client = MotoDynamoDb.Client(moto, http);
        var plain = RulesLoader.Parse(RulesYaml(ladder: false), "state-calls.yaml");
        var ladder = RulesLoader.Parse(RulesYaml(ladder: true), "state-calls-ladder.yaml");

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("records", Records);
            json.WriteNumber("groups", Groups);
            json.WriteNumber("rules", RuleCount);
            // Each scenario on a table of its own, so one's ledger cannot answer another's claims. Live, the action stage
            // then records an outcome for every fired action, as NoActionSink does.
            foreach (var (name, fraction, dryRun, rules) in new[]
            {
                ("all_match", 1.0, true, plain), ("one_percent_match", 0.01, true, plain), ("live_all_match", 1.0, false, plain),
                ("live_all_match_ladder_and_recovery", 1.0, false, ladder),
            })
            {
                // Retries (moto under 16 concurrent calls may drop one) are logged to stderr and counted in the calls.
                var store = new DynamoDbRuleStateStore(client, await MotoDynamoDb.CreateTableAsync(client), log: new JsonLog(Console.Error, TimeProvider.System));
                var engine = new RuleEngine(rules, store, TimeProvider.System, DecisionScope.Everything(name), dryRun);
                var ledger = new ActionLedger(store, TimeProvider.System);
                var batch = Batch(fraction);
                json.WriteStartObject(name);
                for (var round = 1; round <= 2; round++)
                {
                    http.Reset();
                    var invocation = new Invocation($"bench-{round}", TimeProvider.System.GetUtcNow().AddMinutes(15));
                    var evaluation = await engine.EvaluateAsync(batch, invocation, CancellationToken.None);
                    var resolved = await engine.ResolveQuietAsync(invocation, CancellationToken.None);
                    foreach (var fired in evaluation.Decisions.Where(d => d.Outcome == DecisionOutcome.Fired && d.LedgerKey is not null))
                    {
                        await ledger.RecordAsync(fired, invocation.RequestId, LedgerState.Skipped, "measurement", release: false, links: null, CancellationToken.None);
                    }
                    json.WriteStartObject(round == 1 ? "first_batch" : "same_batch_again");
                    json.WriteNumber("matches", evaluation.Matches.Total);
                    json.WriteNumber("decisions", evaluation.Decisions.Count);
                    foreach (var outcome in Enum.GetValues<DecisionOutcome>())
                    {
                        json.WriteNumber(DecisionAudit.OutcomeName(outcome), evaluation.Decisions.Count(d => d.Outcome == outcome));
                    }
                    json.WriteNumber("update_item", http.Count("UpdateItem"));
                    json.WriteNumber("query", http.Count("Query"));
                    json.WriteNumber("put_item", http.Count("PutItem"));
                    json.WriteNumber("get_item", http.Count("GetItem"));
                    json.WriteNumber("resolved", resolved.Count);
                    json.WriteNumber("total_calls", http.Total);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        Console.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        return 0;
    }

    /// <param name="ladder">Odd rules escalate after the even rule before them (a rollback after its restart); all resolve after 10m.</param>
    private static string RulesYaml(bool ladder)
    {
        var yaml = new StringBuilder("version: 1\nrules:\n");
        for (var i = 0; i < RuleCount; i++)
        {
            var extra = !ladder ? "" : i % 2 == 0
                ? "    resolve_after: 10m\n"
                : $"    resolve_after: 10m\n    escalate_after: {{ rule: rule-{i - 1:D2}, within: 15m, still_matching: 5 }}\n";
            yaml.Append(CultureInfo.InvariantCulture, $$$"""
                  - id: rule-{{{i:D2}}}
                    match: { contains: "OutOfMemoryError" }
                    threshold: { count: 5, within: 2m, group_by: [kubernetes.labels.app] }
                    cooldown: 15m

                """).Append(extra).Append(CultureInfo.InvariantCulture, $$$"""
                    actions:
                      - type: rollout_restart
                        namespace: payments
                        workload: "{{ kubernetes.labels.app }}"

                """);
        }
        return yaml.ToString();
    }

    private static List<LogRecord> Batch(double matching)
    {
        var parser = new LogRecordParser();
        var logs = new List<LogRecord>(Records);
        var now = TimeProvider.System.GetUtcNow();
        var every = (int)Math.Round(1 / matching);
        for (var i = 0; i < Records; i++)
        {
            var value = new JsonObject
            {
                ["@timestamp"] = (now.ToUnixTimeMilliseconds() - i % 1000) / 1000.0,
                ["log"] = i / Groups % every == 0 ? "java.lang.OutOfMemoryError: Java heap space" : "GET /healthz 200",
                ["stream"] = "stderr",
                ["kubernetes"] = new JsonObject
                {
                    ["namespace_name"] = "payments",
                    ["pod_name"] = $"app-{i % Groups}-7d9f8b6c5d-x{i % 7}",
                    ["labels"] = new JsonObject { ["app"] = $"app-{i % Groups}" },
                },
            }.ToJsonString();
            parser.Parse(new KafkaRecord("logs", i % 4, i, now, "CREATE_TIME", null, Encoding.UTF8.GetBytes(value), []), logs);
        }
        return logs;
    }
}
