using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Testing;

namespace Automation.Core.Tests.Kafka;

/// <summary>The Lambda Kafka event fixtures (tests/fixtures/events, see NOTICE.md there) and helpers to vary them.</summary>
internal static class KafkaEventFiles
{
    public const string EventsTests = "aws-lambda-dotnet__EventsTests.Shared__kafka-event.json";
    public const string LambdaTestTool = "aws-lambda-dotnet__LambdaTestTool__kafka-event.json";
    public const string PowertoolsMsk = "powertools-python__kafkaEventMsk__fa1c29f.json";
    public const string PowertoolsSelfManaged = "powertools-python__kafkaEventSelfManaged.json";
    public const string Protobuf = "powertools-dotnet__Kafka.Tests__Protobuf__kafka-protobuf-glue-event.json";

    public static TheoryData<string> All => [EventsTests, LambdaTestTool, PowertoolsMsk, PowertoolsSelfManaged, Protobuf];

    public static byte[] Bom => [0xEF, 0xBB, 0xBF];

    public static byte[] Bytes(string file) => Fixtures.Bytes("events", file);

    public static ReadOnlyMemory<byte> WithoutBom(byte[] bytes) =>
        bytes.AsSpan().StartsWith(Bom) ? bytes.AsMemory(Bom.Length) : bytes;

    public static JsonDocument Document(string file) => JsonDocument.Parse(WithoutBom(Bytes(file)));

    public static JsonObject Node(string file) => JsonNode.Parse(WithoutBom(Bytes(file)).Span)!.AsObject();

    public static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>The first "topic-partition" array of an event.</summary>
    public static JsonArray FirstGroup(JsonObject eventNode) => eventNode["records"]!.AsObject().First().Value!.AsArray();

    public static JsonObject FirstRecord(JsonObject eventNode) => FirstGroup(eventNode)[0]!.AsObject();

    /// <summary>Every record object of an event, in event order.</summary>
    public static List<JsonElement> Records(JsonDocument document) =>
        [.. document.RootElement.GetProperty("records").EnumerateObject().SelectMany(group => group.Value.EnumerateArray())];

    /// <summary>
    /// A header list as the JSON gives it: one (name, hex of the bytes) per property, numbers taken as raw bytes
    /// (-1 is 0xFF). Hex so that lists compare by content.
    /// </summary>
    public static List<(string Name, string Hex)> Headers(JsonElement record) =>
        [.. record.GetProperty("headers").EnumerateArray()
            .SelectMany(header => header.EnumerateObject())
            .Select(p => (p.Name, Convert.ToHexString([.. p.Value.EnumerateArray().Select(n => unchecked((byte)n.GetInt32()))])))];

    public static List<(string Name, string Hex)> Headers(KafkaRecord record) =>
        [.. record.Headers.Select(h => (h.Name, Convert.ToHexString(h.Value.Span)))];

    public static void AssertSameRecord(KafkaRecord expected, KafkaRecord actual)
    {
        Assert.Equal(expected.Coordinates, actual.Coordinates);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.TimestampType, actual.TimestampType);
        Assert.Equal(expected.Key?.ToArray(), actual.Key?.ToArray());
        Assert.Equal(expected.Value.ToArray(), actual.Value.ToArray());
        Assert.Equal(Headers(expected), Headers(actual));
    }

    public static void AssertSameBatch(KafkaBatch expected, KafkaBatch actual)
    {
        Assert.Equal(expected.EventSource, actual.EventSource);
        Assert.Equal(expected.EventSourceArn, actual.EventSourceArn);
        Assert.Equal(expected.BootstrapServers, actual.BootstrapServers);
        Assert.Equal(expected.Failures, actual.Failures);
        Assert.Equal(expected.ValueBytes, actual.ValueBytes);
        Assert.Equal(expected.Records.Count, actual.Records.Count);
        for (int i = 0; i < expected.Records.Count; i++)
        {
            AssertSameRecord(expected.Records[i], actual.Records[i]);
        }
    }
}
