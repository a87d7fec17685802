using System.Text;
using System.Text.Json;
using Automation.Core.Kafka;
using static Automation.Core.Tests.Kafka.KafkaEventFiles;

namespace Automation.Core.Tests.Kafka;

public sealed class KafkaEventWriterTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 18, 22, 10, 51, 283, TimeSpan.Zero);

    /// <summary>Records that exercise every field: no key, no timestamp, tombstone, binary value, bytes above 127 in headers.</summary>
    private static List<KafkaRecord> SampleRecords()
    {
        byte[] binary = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
        byte[] trace = Encoding.ASCII.GetBytes("00-691cce72f274a6d68af668f63ab4a9c1-5aa29b6ca3a1e92f-00");
        return
        [
            new("k8s-logs", 0, 41, Start, "CREATE_TIME", Encoding.UTF8.GetBytes("pod-a"), Encoding.UTF8.GetBytes("{\"log\":\"boom\"}"),
                [new("traceparent", trace), new("bytes", new byte[] { 0x00, 0x7F, 0x80, 0xFF }), new("bytes", Array.Empty<byte>())]),
            new("k8s-logs", 0, 42, null, "NO_TIMESTAMP_TYPE", null, binary, []),
            new("k8s-logs", 3, 7, Start.AddSeconds(1), "LOG_APPEND_TIME", Encoding.UTF8.GetBytes("pod-b"), ReadOnlyMemory<byte>.Empty, []),
            new("audit", 1, 9_000_000_000, Start.AddSeconds(2), "CREATE_TIME", null, Encoding.UTF8.GetBytes("ünïcödé"),
                [new("content-type", Encoding.UTF8.GetBytes("text/plain"))]),
        ];
    }

    [Fact]
    public void Decode_of_write_gives_the_records_back()
    {
        var records = SampleRecords();

        var batch = KafkaEventDecoder.Decode(KafkaEventWriter.Write(records));

        Assert.Empty(batch.Failures);
        Assert.Equal(records.Count, batch.Records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            AssertSameRecord(records[i], batch.Records[i]);
        }
        Assert.Null(batch.Records[1].Key);
        Assert.Equal(records.Sum(r => (long)r.Value.Length), batch.ValueBytes);
        Assert.Equal("aws:kafka", batch.EventSource);
        Assert.Equal(KafkaEventWriter.SampleEventSourceArn, batch.EventSourceArn);
        Assert.Equal(KafkaEventWriter.SampleBootstrapServers, batch.BootstrapServers);
    }

    [Fact]
    public void Written_event_has_the_msk_shape()
    {
        var records = SampleRecords();
        const string Arn = "arn:aws:kafka:eu-west-1:111122223333:cluster/logs/abc-1";
        const string Servers = "b-1.logs:9098";

        using var document = JsonDocument.Parse(KafkaEventWriter.Write(records, Arn, Servers, indented: true));

        var root = document.RootElement;
        Assert.Equal("aws:kafka", root.GetProperty("eventSource").GetString());
        Assert.Equal(Arn, root.GetProperty("eventSourceArn").GetString());
        Assert.Equal(Servers, root.GetProperty("bootstrapServers").GetString());
        var groups = root.GetProperty("records").EnumerateObject().ToList();
        Assert.Equal(records.Select(r => $"{r.Topic}-{r.Partition}").Distinct(), groups.Select(g => g.Name));
        foreach (var group in groups)
        {
            Assert.All(group.Value.EnumerateArray(), r => Assert.Equal(group.Name, $"{r.GetProperty("topic").GetString()}-{r.GetProperty("partition").GetInt32()}"));
        }
        var written = Records(document);
        Assert.Equal(records.Select(r => r.Key is not null), written.Select(r => r.TryGetProperty("key", out _)));
        Assert.Equal(-1, written[1].GetProperty("timestamp").GetInt64());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), written[0].GetProperty("timestamp").GetInt64());
        // Header bytes as Lambda writes them: Java's signed bytes.
        var numbers = written.SelectMany(r => r.GetProperty("headers").EnumerateArray())
            .SelectMany(h => h.EnumerateObject())
            .SelectMany(p => p.Value.EnumerateArray().Select(n => n.GetInt32()))
            .ToList();
        Assert.All(numbers, n => Assert.InRange(n, sbyte.MinValue, sbyte.MaxValue));
        Assert.Contains(numbers, n => n < 0);
        Assert.Equal(Headers(records[0]), Headers(written[0]));
    }

    [Fact]
    public void Records_of_one_partition_are_grouped_together_in_first_seen_order()
    {
        var records = SampleRecords();
        List<KafkaRecord> interleaved = [records[0], records[2], records[1], records[3]];

        var batch = KafkaEventDecoder.Decode(KafkaEventWriter.Write(interleaved));

        Assert.Equal(
            interleaved.GroupBy(r => r.Coordinates.TopicPartition).SelectMany(g => g).Select(r => r.Coordinates),
            batch.Records.Select(r => r.Coordinates));
    }

    [Theory]
    [MemberData(nameof(KafkaEventDecoderFixtureTests.Files), MemberType = typeof(KafkaEventDecoderFixtureTests))]
    public void A_fixture_rewritten_decodes_to_the_same_records(string file)
    {
        var original = KafkaEventDecoder.Decode(Bytes(file));

        var rewritten = KafkaEventDecoder.Decode(
            KafkaEventWriter.Write(original.Records, original.EventSourceArn ?? KafkaEventWriter.SampleEventSourceArn, original.BootstrapServers!));

        Assert.Equal(original.Records.Count, rewritten.Records.Count);
        for (int i = 0; i < original.Records.Count; i++)
        {
            AssertSameRecord(original.Records[i], rewritten.Records[i]);
        }
        Assert.Equal(original.ValueBytes, rewritten.ValueBytes);
    }

    [Fact]
    public void Writes_into_a_buffer_writer_the_same_bytes()
    {
        var records = SampleRecords();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        KafkaEventWriter.Write(buffer, records);

        Assert.Equal(KafkaEventWriter.Write(records), buffer.WrittenSpan.ToArray());
    }
}
