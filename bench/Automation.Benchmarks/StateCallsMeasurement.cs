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
using Automation.Testing;

namespace Automation.Benchmarks;

/// <summary>
/// Counts the DynamoDB calls the rules engine makes for one batch (issue: one state update per group, not per record):
/// 10,000 Fluent Bit records over 20 workloads, 50 threshold rules grouped by workload, against moto's server on
/// 127.0.0.1 with every HTTP call counted. Two scenarios: every record matches every rule (the worst case), and 1% of
/// the records match (spread over every group).
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
        var table = await MotoDynamoDb.CreateTableAsync(client);
        var rules = RulesLoader.Parse(RulesYaml(), "state-calls.yaml");

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("records", Records);
            json.WriteNumber("groups", Groups);
            json.WriteNumber("rules", RuleCount);
            foreach (var (name, fraction) in new[] { ("all_match", 1.0), ("one_percent_match", 0.01) })
            {
                var engine = new RuleEngine(rules, new DynamoDbRuleStateStore(client, table), TimeProvider.System, DecisionScope.Everything(name), dryRun: true);
                var batch = Batch(fraction);
                json.WriteStartObject(name);
                for (var round = 1; round <= 2; round++)
                {
                    http.Reset();
                    var evaluation = await engine.EvaluateAsync(batch, new Invocation($"bench-{round}", DateTimeOffset.UtcNow.AddMinutes(15)), CancellationToken.None);
                    json.WriteStartObject(round == 1 ? "first_batch" : "same_batch_again");
                    json.WriteNumber("matches", evaluation.Matches.Total);
                    json.WriteNumber("decisions", evaluation.Decisions.Count);
                    json.WriteNumber("update_item", http.Count("UpdateItem"));
                    json.WriteNumber("query", http.Count("Query"));
                    json.WriteNumber("put_item", http.Count("PutItem"));
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

    private static string RulesYaml()
    {
        var yaml = new StringBuilder("version: 1\nrules:\n");
        for (var i = 0; i < RuleCount; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $$$"""
                  - id: rule-{{{i:D2}}}
                    match: { contains: "OutOfMemoryError" }
                    threshold: { count: 5, within: 2m, group_by: [kubernetes.labels.app] }
                    cooldown: 15m
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
        var now = DateTimeOffset.UtcNow;
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
