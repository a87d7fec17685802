using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Aws.CloudWatchLogs;
using Automation.Testing;

namespace Automation.Core.Tests.Aws.CloudWatchLogs;

/// <summary>The CloudWatch Logs subscription event decoder: the real sample event, and inputs that must be refused with a clear reason.</summary>
public sealed class CloudWatchLogsDecoderTests
{
    private static byte[] Sample => Fixtures.Bytes("cloudwatch-logs", "aws-lambda-dotnet__EventsTests.Shared__logs-event.json");

    [Fact]
    public void The_sample_event_of_aws_lambda_dotnet_decodes_to_its_log_group_stream_and_events()
    {
        var logs = CloudWatchLogsDecoder.Decode(Sample);

        Assert.Equal(CloudWatchLogsEvent.DataMessage, logs.MessageType);
        Assert.False(logs.IsControl);
        Assert.Equal("123456789123", logs.Owner);
        Assert.Equal("testLogGroup", logs.LogGroup);
        Assert.Equal("testLogStream", logs.LogStream);
        Assert.Equal(["testFilter"], logs.SubscriptionFilters);
        Assert.Equal(
            [
                new CloudWatchLogEvent("eventId1", 1440442987000, "[ERROR] First test message"),
                new CloudWatchLogEvent("eventId2", 1440442987001, "[ERROR] Second test message"),
            ],
            logs.LogEvents);
        Assert.Equal(new DateTimeOffset(2015, 8, 24, 19, 3, 7, TimeSpan.Zero), logs.LogEvents[0].Time);
    }

    [Fact]
    public void An_event_built_as_CloudWatch_builds_it_round_trips_and_a_control_message_is_recognised()
    {
        var start = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var payload = CloudWatchLogsEvents.Wrap("/aws/lambda/stack/PodRestartFunction", "2026/11/27/[$LATEST]abc", ["{\"a\":1}", "START RequestId: x"], start, out var ids);

        var logs = CloudWatchLogsDecoder.Decode(payload);

        Assert.Equal(ids, logs.LogEvents.Select(e => e.Id));
        Assert.Equal(56, ids[0].Length);
        Assert.Equal(start, logs.LogEvents[0].Time);
        Assert.Equal("START RequestId: x", logs.LogEvents[1].Message);
        Assert.True(CloudWatchLogsDecoder.Decode(CloudWatchLogsEvents.Control()).IsControl);
    }

    public static TheoryData<string, byte[]> Hostile() => new()
    {
        { "not valid JSON", "{\"awslogs\":"u8.ToArray() },
        { "not a JSON object", "[1,2]"u8.ToArray() },
        { "no awslogs.data", "{\"records\":{}}"u8.ToArray() },
        { "awslogs is not a JSON object", "{\"awslogs\":\"x\"}"u8.ToArray() },
        { "awslogs.data is not a string", "{\"awslogs\":{\"data\":42}}"u8.ToArray() },
        { "not valid base64", CloudWatchLogsEvents.Envelope("H4sI!!!not-base64") },
        { "not gzip data", CloudWatchLogsEvents.Envelope(Convert.ToBase64String("plain text, not gzip"u8.ToArray())) },
        { "inflates to nothing", CloudWatchLogsEvents.Envelope("") },
        { "not the CloudWatch Logs JSON", CloudWatchLogsEvents.Envelope(Convert.ToBase64String(CloudWatchLogsEvents.Gzip("[\"x\"]"u8.ToArray()))) },
        { "not the CloudWatch Logs JSON", CloudWatchLogsEvents.Envelope(Convert.ToBase64String(CloudWatchLogsEvents.Gzip("{\"messageType\":\"DATA_MESSAGE\"}"u8.ToArray()))) },
        { "not the CloudWatch Logs JSON", CloudWatchLogsEvents.Encode(Document(logEvents: new JsonArray(new JsonObject { ["id"] = "1", ["timestamp"] = 1, ["message"] = null }))) },
        { "not the CloudWatch Logs JSON", CloudWatchLogsEvents.Encode(Document(logEvents: new JsonArray(new JsonObject { ["id"] = "1", ["timestamp"] = "soon", ["message"] = "m" }))) },
        { "neither DATA_MESSAGE nor CONTROL_MESSAGE", CloudWatchLogsEvents.Encode(Document(messageType: "OTHER")) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_broken_event_is_refused_with_the_reason(string reason, byte[] payload)
    {
        var error = Assert.Throws<CloudWatchLogsFormatException>(() => CloudWatchLogsDecoder.Decode(payload));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_bomb_is_refused_once_it_inflates_past_the_bound_without_inflating_the_rest()
    {
        // 64 MiB of one repeated line: about 64 KB compressed, far past the 8 MiB bound once inflated.
        var line = Encoding.UTF8.GetBytes(new string('{', 1023) + "\n");
        using var raw = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (var i = 0; i < 64 * 1024; i++)
            {
                gzip.Write(line);
            }
        }
        Assert.True(raw.Length < 1024 * 1024, $"the bomb is {raw.Length} bytes compressed");
        var payload = CloudWatchLogsEvents.Envelope(Convert.ToBase64String(raw.ToArray()));

        var error = Assert.Throws<CloudWatchLogsFormatException>(() => CloudWatchLogsDecoder.Decode(payload));

        Assert.Contains($"more than {CloudWatchLogsDecoder.DefaultMaxInflatedBytes} bytes", error.Message, StringComparison.Ordinal);
        // A lower bound refuses a real event too: the bound is what is checked, not the content.
        Assert.Throws<CloudWatchLogsFormatException>(() => CloudWatchLogsDecoder.Decode(Sample, maxInflatedBytes: 100));
        Assert.Equal(2, CloudWatchLogsDecoder.Decode(Sample, maxInflatedBytes: 400).LogEvents.Count);
    }

    [Fact]
    public void The_message_of_a_refusal_never_quotes_the_event()
    {
        var secretish = "{\"awslogs\":{\"data\":\"c2VjcmV0LXRva2VuLTEyMw==\"}}"u8.ToArray();
        var error = Assert.Throws<CloudWatchLogsFormatException>(() => CloudWatchLogsDecoder.Decode(secretish));
        Assert.DoesNotContain("secret", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("c2Vj", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject Document(string messageType = "DATA_MESSAGE", JsonArray? logEvents = null) => new()
    {
        ["messageType"] = messageType,
        ["owner"] = "123456789012",
        ["logGroup"] = "g",
        ["logStream"] = "s",
        ["subscriptionFilters"] = new JsonArray("f"),
        ["logEvents"] = logEvents ?? new JsonArray(),
    };
}
