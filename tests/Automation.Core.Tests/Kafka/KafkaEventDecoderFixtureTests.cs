using System.Text;
using System.Text.Json;
using Automation.Core.Kafka;
using static Automation.Core.Tests.Kafka.KafkaEventFiles;

namespace Automation.Core.Tests.Kafka;

/// <summary>The real events from public projects decode, every field as their JSON says.</summary>
public sealed class KafkaEventDecoderFixtureTests
{
    public static TheoryData<string> Files => All;

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_fixture_decodes_every_record_as_its_json_says(string file)
    {
        var batch = KafkaEventDecoder.Decode(Bytes(file));

        using var document = Document(file);
        var root = document.RootElement;
        var expected = Records(document);
        Assert.Empty(batch.Failures);
        Assert.Equal(root.GetProperty("eventSource").GetString(), batch.EventSource);
        Assert.Equal(root.TryGetProperty("eventSourceArn", out var arn) ? arn.GetString() : null, batch.EventSourceArn);
        Assert.Equal(root.GetProperty("bootstrapServers").GetString(), batch.BootstrapServers);
        Assert.Equal(expected.Count, batch.Records.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var json = expected[i];
            var record = batch.Records[i];
            Assert.Equal(json.GetProperty("topic").GetString(), record.Topic);
            Assert.Equal(json.GetProperty("partition").GetInt32(), record.Partition);
            Assert.Equal(json.GetProperty("offset").GetInt64(), record.Offset);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(json.GetProperty("timestamp").GetInt64()), record.Timestamp);
            Assert.Equal(json.GetProperty("timestampType").GetString(), record.TimestampType);
            Assert.Equal(json.TryGetProperty("key", out var key) ? key.GetBytesFromBase64() : null, record.Key?.ToArray());
            Assert.Equal(json.GetProperty("value").GetBytesFromBase64(), record.Value.ToArray());
            Assert.Equal(KafkaEventFiles.Headers(json), KafkaEventFiles.Headers(record));
        }
        Assert.Equal(expected.Sum(r => r.GetProperty("value").GetBytesFromBase64().Length), batch.ValueBytes);
    }

    [Fact]
    public void EventsTests_event_gives_what_the_upstream_test_expects()
    {
        var raw = Bytes(EventsTests);
        Assert.True(raw.AsSpan().StartsWith(Bom), "this fixture is the one that carries a UTF-8 BOM");

        var batch = KafkaEventDecoder.Decode(raw);

        var record = Assert.Single(batch.Records);
        Assert.Equal(3043205, record.Offset);
        Assert.Equal(12, record.Partition);
        Assert.Equal("Hello, this is a test.", Encoding.UTF8.GetString(record.Value.Span));
        Assert.Equal("aws:kafka", batch.EventSource);
    }

    [Fact]
    public void EventsTests_headers_keep_negative_numbers_as_raw_bytes()
    {
        var record = Assert.Single(KafkaEventDecoder.Decode(Bytes(EventsTests)).Records);

        using var document = Document(EventsTests);
        var headers = Assert.Single(Records(document)).GetProperty("headers").EnumerateArray()
            .Select(h => h.EnumerateObject().Single())
            .ToList();
        Assert.Equal(8, record.Headers.Count);
        Assert.Equal(headers.Count, record.Headers.Count);
        for (int i = 0; i < headers.Count; i++)
        {
            Assert.Equal(headers[i].Name, record.Headers[i].Name);
            var numbers = headers[i].Value.EnumerateArray().Select(n => n.GetInt32()).ToArray();
            var bytes = record.Headers[i].Value.ToArray();
            Assert.Equal(numbers.Length, bytes.Length);
            for (int j = 0; j < numbers.Length; j++)
            {
                // Java's signed byte: -123 is 0x85, the same bits.
                Assert.Equal(numbers[j], (int)unchecked((sbyte)bytes[j]));
            }
        }
        // The fixture really exercises the signed case.
        var origination = Assert.Single(record.Headers, h => h.Name == "OriginationTimestamp");
        Assert.Contains(origination.Value.ToArray(), b => b > 127);
    }

    [Fact]
    public void LambdaTestTool_event_without_key_gives_a_null_key()
    {
        using var document = Document(LambdaTestTool);
        Assert.False(Assert.Single(Records(document)).TryGetProperty("key", out _));

        var record = Assert.Single(KafkaEventDecoder.Decode(Bytes(LambdaTestTool)).Records);

        Assert.Null(record.Key);
        Assert.Equal("Hello, this is a test.", Encoding.UTF8.GetString(record.Value.Span));
    }

    [Fact]
    public void Self_managed_event_has_no_arn()
    {
        var batch = KafkaEventDecoder.Decode(Bytes(PowertoolsSelfManaged));

        Assert.Equal("aws:SelfManagedKafka", batch.EventSource);
        Assert.Null(batch.EventSourceArn);
        Assert.Equal("{\"key\":\"value\"}", Encoding.UTF8.GetString(Assert.Single(batch.Records).Value.Span));
    }

    [Fact]
    public void Protobuf_values_are_the_exact_bytes_of_the_base64_and_schema_metadata_is_skipped()
    {
        var batch = KafkaEventDecoder.Decode(Bytes(Protobuf));

        using var document = Document(Protobuf);
        var expected = Records(document);
        Assert.All(expected, r => Assert.True(r.TryGetProperty("valueSchemaMetadata", out _)));
        Assert.Empty(batch.Failures);
        Assert.Equal(expected.Count, batch.Records.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var value = Convert.FromBase64String(expected[i].GetProperty("value").GetString()!);
            Assert.Equal(value, batch.Records[i].Value.ToArray());
            Assert.Empty(batch.Records[i].Headers);
        }
        Assert.Equal(expected.Sum(r => Convert.FromBase64String(r.GetProperty("value").GetString()!).Length), batch.ValueBytes);
    }
}
