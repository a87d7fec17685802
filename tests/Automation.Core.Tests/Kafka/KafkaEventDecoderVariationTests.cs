using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using static Automation.Core.Tests.Kafka.KafkaEventFiles;

namespace Automation.Core.Tests.Kafka;

/// <summary>The variations real events show (and a few broken records), each made from a fixture.</summary>
public sealed class KafkaEventDecoderVariationTests
{
    [Fact]
    public void Leading_bom_is_accepted()
    {
        var plain = Bytes(PowertoolsMsk);
        Assert.False(plain.AsSpan().StartsWith(Bom));

        var withBom = KafkaEventDecoder.Decode([.. Bom, .. plain]);

        AssertSameBatch(KafkaEventDecoder.Decode(plain), withBom);
        Assert.Single(withBom.Records);
    }

    [Fact]
    public void Partition_offset_and_timestamp_given_as_numeric_strings_decode_as_numbers()
    {
        var original = KafkaEventDecoder.Decode(Bytes(EventsTests));
        var node = Node(EventsTests);
        var record = FirstRecord(node);
        foreach (var name in new[] { "partition", "offset", "timestamp" })
        {
            record[name] = record[name]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Equal(JsonValueKind.String, record["partition"]!.GetValueKind());
        AssertSameBatch(original, batch);
    }

    [Fact]
    public void Key_null_gives_a_null_key()
    {
        var node = Node(PowertoolsMsk);
        Assert.NotNull(FirstRecord(node)["key"]);
        FirstRecord(node)["key"] = null;

        var record = Assert.Single(KafkaEventDecoder.Decode(Utf8(node)).Records);

        Assert.Null(record.Key);
    }

    [Fact]
    public void Header_bytes_given_unsigned_decode_like_signed()
    {
        var node = Node(EventsTests);
        int changed = 0;
        foreach (var header in FirstRecord(node)["headers"]!.AsArray())
        {
            foreach (var (_, value) in header!.AsObject())
            {
                var numbers = value!.AsArray();
                for (int i = 0; i < numbers.Count; i++)
                {
                    int n = numbers[i]!.GetValue<int>();
                    if (n < 0)
                    {
                        numbers[i] = n + 256;
                        changed++;
                    }
                }
            }
        }
        Assert.True(changed > 0, "the fixture has negative header bytes to rewrite");

        var unsigned = KafkaEventDecoder.Decode(Utf8(node));

        AssertSameBatch(KafkaEventDecoder.Decode(Bytes(EventsTests)), unsigned);
    }

    [Fact]
    public void Schema_metadata_and_unknown_properties_anywhere_are_skipped()
    {
        var node = Node(PowertoolsMsk);
        var record = FirstRecord(node);
        record["keySchemaMetadata"] = new JsonObject { ["dataFormat"] = "JSON", ["schemaId"] = null };
        record["valueSchemaMetadata"] = new JsonObject { ["dataFormat"] = "AVRO", ["schemaId"] = "1234" };
        record["somethingNew"] = new JsonArray(1, new JsonObject { ["value"] = 42 }, "x");
        node["somethingElse"] = new JsonObject { ["records"] = "not these" };
        node["payloadFormatVersion"] = 2;
        FirstRecord(node)["headers"]!.AsArray().Add(new JsonObject { ["extra"] = new JsonArray(1, 2, 3) });

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        var original = Assert.Single(KafkaEventDecoder.Decode(Bytes(PowertoolsMsk)).Records);
        var decoded = Assert.Single(batch.Records);
        Assert.Empty(batch.Failures);
        Assert.Equal(original.Coordinates, decoded.Coordinates);
        Assert.Equal(original.Value.ToArray(), decoded.Value.ToArray());
        Assert.Equal(original.Key?.ToArray(), decoded.Key?.ToArray());
        Assert.Equal([.. Headers(original), ("extra", "010203")], Headers(decoded));
    }

    [Theory]
    [InlineData("aws:kafka")]
    [InlineData("aws:SelfManagedKafka")]
    [InlineData("SelfManagedKafka")]
    public void Every_event_source_name_decodes_with_or_without_arn(string eventSource)
    {
        var node = Node(PowertoolsMsk);
        node["eventSource"] = eventSource;
        node.Remove("eventSourceArn");

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Equal(eventSource, batch.EventSource);
        Assert.Null(batch.EventSourceArn);
        Assert.Single(batch.Records);
    }

    [Fact]
    public void Envelope_strings_of_the_wrong_type_read_as_null()
    {
        var node = Node(PowertoolsMsk);
        node["eventSource"] = 7;
        node["bootstrapServers"] = new JsonArray("b-1:9092");

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Null(batch.EventSource);
        Assert.Null(batch.BootstrapServers);
        Assert.Equal(node["eventSourceArn"]!.GetValue<string>(), batch.EventSourceArn);
        Assert.Single(batch.Records);
    }

    [Fact]
    public void Timestamp_zero_negative_null_or_absent_is_null_and_type_is_kept()
    {
        Action<JsonObject>[] variants =
        [
            r => r["timestamp"] = 0,
            r => r["timestamp"] = -1,
            r => r["timestamp"] = null,
            r => r.Remove("timestamp"),
        ];
        var node = WithVariants(Node(PowertoolsMsk), variants, keepTemplate: false);
        string? timestampType = FirstRecord(node)["timestampType"]!.GetValue<string>();

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Empty(batch.Failures);
        Assert.Equal(variants.Length, batch.Records.Count);
        Assert.All(batch.Records, r => Assert.Null(r.Timestamp));
        Assert.All(batch.Records, r => Assert.Equal(timestampType, r.TimestampType));
    }

    [Fact]
    public void Null_empty_or_absent_value_is_an_empty_value_not_a_failure()
    {
        // Kafka tombstones (a key, no value) must reach the pipeline as records: they are valid, just empty.
        Action<JsonObject>[] variants =
        [
            r => r["value"] = null,
            r => r["value"] = "",
            r => r.Remove("value"),
        ];
        var node = WithVariants(Node(PowertoolsMsk), variants, keepTemplate: true);

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Empty(batch.Failures);
        Assert.Equal(1 + variants.Length, batch.Records.Count);
        Assert.False(batch.Records[0].Value.IsEmpty);
        Assert.All(batch.Records.Skip(1), r => Assert.True(r.Value.IsEmpty));
        Assert.Equal(batch.Records[0].Value.Length, batch.ValueBytes);
    }

    [Fact]
    public void Escaped_base64_decodes_to_the_same_bytes()
    {
        // Bytes whose base64 holds '/' and '+', which a JSON writer may escape as "\/" and "\u002B".
        byte[] value = [0xFB, 0xFF, 0xBF, .. Encoding.UTF8.GetBytes("after the slashes")];
        string base64 = Convert.ToBase64String(value);
        Assert.Contains('/', base64);
        Assert.Contains('+', base64);
        const string Placeholder = "VALUE-PLACEHOLDER";
        var node = Node(EventsTests);
        FirstRecord(node)["value"] = Placeholder;
        FirstRecord(node)["key"] = Placeholder;
        string escaped = base64.Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        string json = node.ToJsonString().Replace(Placeholder, escaped, StringComparison.Ordinal);
        Assert.Equal(base64, FirstRecord(JsonNode.Parse(json)!.AsObject())["value"]!.GetValue<string>());

        var record = Assert.Single(KafkaEventDecoder.Decode(Encoding.UTF8.GetBytes(json)).Records);

        Assert.Equal(value, record.Value.ToArray());
        Assert.Equal(value, record.Key?.ToArray());
    }

    [Fact]
    public void Broken_records_become_failures_and_the_rest_of_the_batch_decodes()
    {
        var node = Node(PowertoolsMsk);
        string recordsKey = node["records"]!.AsObject().Single().Key;
        var group = FirstGroup(node);
        var template = group[0]!;
        group.Clear();
        JsonObject Record(long offset)
        {
            var record = template.DeepClone().AsObject();
            record["offset"] = offset;
            return record;
        }

        var badBase64 = Record(101);
        badBase64["value"] = "this is not base64!";
        var missingOffset = Record(102);
        missingOffset.Remove("offset");
        var valueOfWrongType = Record(103);
        valueOfWrongType["value"] = new JsonObject { ["text"] = "hello" };
        group.Add(Record(100));
        group.Add(badBase64);
        group.Add(missingOffset);
        group.Add(valueOfWrongType);
        group.Add(Record(104));

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Equal([100L, 104], batch.Records.Select(r => r.Offset));
        string Coordinates(JsonObject r) => $"{r["topic"]}-{r["partition"]}@{r["offset"]}";
        Assert.Equal(
            [Coordinates(badBase64), $"{recordsKey}#2", Coordinates(valueOfWrongType)],
            batch.Failures.Select(f => f.Identifier));
        Assert.All(batch.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
        Assert.DoesNotContain(batch.Failures, f => f.Reason.Contains("base64!", StringComparison.Ordinal) || f.Reason.Contains("hello", StringComparison.Ordinal));
        Assert.Contains("offset", batch.Failures[1].Reason, StringComparison.Ordinal);
        Assert.Contains("value", batch.Failures[2].Reason, StringComparison.Ordinal);
        Assert.Equal(batch.Records.Sum(r => r.Value.Length), batch.ValueBytes);
    }

    [Theory]
    [InlineData("topic", "5")]
    [InlineData("topic", "\"\"")]
    [InlineData("partition", "true")]
    [InlineData("partition", "\"twelve\"")]
    [InlineData("partition", "-1")]
    [InlineData("partition", "4294967296")]
    [InlineData("offset", "1.5")]
    [InlineData("offset", "-3")]
    [InlineData("timestamp", "\"soon\"")]
    [InlineData("timestamp", "9999999999999999")]
    [InlineData("timestampType", "{}")]
    [InlineData("key", "[1,2]")]
    [InlineData("key", "\"not base64!\"")]
    [InlineData("value", "42")]
    [InlineData("headers", "{}")]
    [InlineData("headers", "[{\"h\":[1,300]}]")]
    [InlineData("headers", "[{\"h\":\"text\"}]")]
    [InlineData("headers", "[{\"h\":[[1]]}]")]
    public void A_field_of_the_wrong_type_or_range_fails_only_its_record(string field, string json)
    {
        var node = Node(PowertoolsMsk);
        var group = FirstGroup(node);
        var broken = group[0]!.DeepClone().AsObject();
        broken[field] = JsonNode.Parse(json);
        broken["offset"] = field == "offset" ? broken["offset"] : 16;
        group.Add(broken);

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        var good = Assert.Single(batch.Records);
        Assert.Equal(group[0]!["offset"]!.GetValue<long>(), good.Offset);
        var failure = Assert.Single(batch.Failures);
        bool coordinatesKnown = field is not ("topic" or "partition" or "offset");
        string recordsKey = node["records"]!.AsObject().Single().Key;
        Assert.Equal(coordinatesKnown ? $"{broken["topic"]}-{broken["partition"]}@16" : $"{recordsKey}#1", failure.Identifier);
        Assert.Contains(field is "headers" ? "header" : field, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_that_are_not_records_become_failures_by_position()
    {
        var node = Node(PowertoolsMsk);
        var group = FirstGroup(node);
        group.Add(42);
        group.Add("record");
        var records = node["records"]!.AsObject();
        records["other-3"] = "not an array";
        records["empty-0"] = new JsonArray();
        records["nothing-1"] = null;

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Single(batch.Records);
        string recordsKey = records.First().Key;
        Assert.Equal([$"{recordsKey}#1", $"{recordsKey}#2", "other-3"], batch.Failures.Select(f => f.Identifier));
    }

    [Fact]
    public void Records_across_several_partitions_keep_event_order()
    {
        var node = Node(Protobuf);
        var records = node["records"]!.AsObject();
        var first = records.First();
        var moved = first.Value!.DeepClone().AsArray();
        foreach (var record in moved)
        {
            record!["partition"] = 7;
        }
        records[first.Key.Replace("-0", "-7", StringComparison.Ordinal)] = moved;

        var batch = KafkaEventDecoder.Decode(Utf8(node));

        Assert.Empty(batch.Failures);
        int half = first.Value!.AsArray().Count;
        Assert.Equal(half * 2, batch.Records.Count);
        Assert.All(batch.Records.Take(half), r => Assert.Equal(0, r.Partition));
        Assert.All(batch.Records.Skip(half), r => Assert.Equal(7, r.Partition));
        Assert.Equal(
            batch.Records.Take(half).Select(r => Convert.ToHexString(r.Value.Span)),
            batch.Records.Skip(half).Select(r => Convert.ToHexString(r.Value.Span)));
    }

    /// <summary>
    /// Adds one copy of the event's first record per variant, each with its own offset (after the original's),
    /// with the variant applied.
    /// </summary>
    private static JsonObject WithVariants(JsonObject node, Action<JsonObject>[] variants, bool keepTemplate)
    {
        var group = FirstGroup(node);
        var template = group[0]!;
        long offset = template["offset"]!.GetValue<long>();
        if (!keepTemplate)
        {
            group.Clear();
        }
        foreach (var variant in variants)
        {
            var record = template.DeepClone().AsObject();
            record["offset"] = ++offset;
            variant(record);
            group.Add(record);
        }
        return node;
    }
}
