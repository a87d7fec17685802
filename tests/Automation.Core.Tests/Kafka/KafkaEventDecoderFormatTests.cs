using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using static Automation.Core.Tests.Kafka.KafkaEventFiles;

namespace Automation.Core.Tests.Kafka;

/// <summary>Only an event unusable as a whole throws, with a message that quotes nothing of the event.</summary>
public sealed class KafkaEventDecoderFormatTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("{")]
    [InlineData("{\"records\":{}} trailing")]
    [InlineData("{'records':{}}")]
    public void Text_that_is_not_json_throws(string text)
    {
        var ex = Assert.Throws<KafkaEventFormatException>(() => KafkaEventDecoder.Decode(Encoding.UTF8.GetBytes(text)));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_fixture_throws()
    {
        var bytes = Bytes(Protobuf);

        var ex = Assert.Throws<KafkaEventFormatException>(() => KafkaEventDecoder.Decode(bytes.AsSpan(0, bytes.Length / 2)));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bom_alone_throws()
    {
        Assert.Throws<KafkaEventFormatException>(() => KafkaEventDecoder.Decode(Bom));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("\"records\"")]
    public void Json_that_is_not_an_object_throws(string json)
    {
        var ex = Assert.Throws<KafkaEventFormatException>(() => KafkaEventDecoder.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("not a JSON object", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("[]")]
    [InlineData("\"mytopic-0\"")]
    [InlineData("7")]
    [InlineData("remove")]
    public void An_event_without_a_records_object_throws(string? records)
    {
        var node = Node(PowertoolsMsk);
        if (records == "remove")
        {
            node.Remove("records");
        }
        else
        {
            node["records"] = records is null ? null : JsonNode.Parse(records);
        }

        var ex = Assert.Throws<KafkaEventFormatException>(() => KafkaEventDecoder.Decode(Utf8(node)));

        Assert.Contains("records", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_records_object_is_an_empty_batch()
    {
        var node = Node(PowertoolsMsk);
        node["records"] = new JsonObject();

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Empty(batch.Records);
        Assert.Empty(batch.Failures);
        Assert.Equal(0, batch.ValueBytes);
        Assert.Equal(node["eventSourceArn"]!.GetValue<string>(), batch.EventSourceArn);
    }

    [Fact]
    public void The_message_quotes_nothing_of_the_event()
    {
        // Broken JSON right at the secret: an unquoted value whose first character a JSON error message would quote.
        const string Secret = "#SECRET-TOKEN";
        var node = Node(PowertoolsMsk);
        FirstRecord(node)["value"] = "PLACEHOLDER";
        string json = node.ToJsonString().Replace("\"PLACEHOLDER\"", Secret, StringComparison.Ordinal);

        var ex = Assert.Throws<KafkaEventFormatException>(() => KafkaEventDecoder.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.DoesNotContain("#", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }
}
