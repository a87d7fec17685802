using System.Text;
using System.Text.Json.Nodes;

namespace Automation.Core.Tests.Pipeline;

/// <summary>Builds Lambda Kafka events in the MSK shape for pipeline tests.</summary>
internal static class TestEvents
{
    public static JsonObject Record(string topic, int partition, long offset, string value) => new()
    {
        ["topic"] = topic,
        ["partition"] = partition,
        ["offset"] = offset,
        ["timestamp"] = 1_700_000_000_000 + offset,
        ["timestampType"] = "CREATE_TIME",
        ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
        ["headers"] = new JsonArray(),
    };

    public static byte[] Event(params JsonObject[] records)
    {
        var grouped = new JsonObject();
        foreach (var record in records)
        {
            var key = $"{record["topic"]}-{record["partition"]}";
            if (grouped[key] is not JsonArray list)
            {
                list = new JsonArray();
                grouped[key] = list;
            }
            list.Add(record);
        }

        var root = new JsonObject
        {
            ["eventSource"] = "aws:kafka",
            ["eventSourceArn"] = "arn:aws:kafka:us-east-1:123456789012:cluster/logs/abc",
            ["bootstrapServers"] = "b-1.logs.example:9098",
            ["records"] = grouped,
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    public static string FluentBitLine(string pod, string log) =>
        new JsonObject
        {
            ["@timestamp"] = 1_700_000_000.25,
            ["log"] = log,
            ["stream"] = "stderr",
            ["kubernetes"] = new JsonObject
            {
                ["pod_name"] = pod,
                ["namespace_name"] = "payments",
                ["container_name"] = "api",
                ["labels"] = new JsonObject { ["app"] = "payments-api" },
            },
        }.ToJsonString();
}
