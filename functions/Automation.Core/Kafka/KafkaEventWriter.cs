using System.Buffers;
using System.Text.Json;

namespace Automation.Core.Kafka;

/// <summary>
/// Writes records as the event an MSK event source mapping delivers to Lambda (<c>eventSource</c> aws:kafka), for the
/// CLI, the event generator and the benchmark. <see cref="KafkaEventDecoder.Decode"/> reads it back unchanged.
/// </summary>
public static class KafkaEventWriter
{
    /// <summary>A made-up MSK cluster ARN in Lambda's format.</summary>
    public const string SampleEventSourceArn =
        "arn:aws:kafka:us-east-1:123456789012:cluster/automation-demo/6f1c3a52-8d0e-4c1b-9a57-2e4b8f0d7c31-4";

    /// <summary>Made-up MSK broker addresses in Lambda's format (comma separated, IAM port).</summary>
    public const string SampleBootstrapServers =
        "b-1.automation-demo.x1y2z3.c4.kafka.us-east-1.amazonaws.com:9098,b-2.automation-demo.x1y2z3.c4.kafka.us-east-1.amazonaws.com:9098";

    public static byte[] Write(
        IEnumerable<KafkaRecord> records,
        string eventSourceArn = SampleEventSourceArn,
        string bootstrapServers = SampleBootstrapServers,
        bool indented = false)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(output, records, eventSourceArn, bootstrapServers, indented);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Records are grouped under "topic-partition" keys as Lambda does, groups in order of first appearance and
    /// records in their given order within a group. A null key is left out (as Lambda does), a null timestamp is
    /// written as Kafka's -1, header bytes as Java's signed bytes.
    /// </summary>
    public static void Write(
        IBufferWriter<byte> output,
        IEnumerable<KafkaRecord> records,
        string eventSourceArn = SampleEventSourceArn,
        string bootstrapServers = SampleBootstrapServers,
        bool indented = false)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        writer.WriteStartObject();
        writer.WriteString("eventSource"u8, "aws:kafka"u8);
        writer.WriteString("eventSourceArn"u8, eventSourceArn);
        writer.WriteString("bootstrapServers"u8, bootstrapServers);
        writer.WriteStartObject("records"u8);
        foreach (var group in records.GroupBy(r => r.Coordinates.TopicPartition, StringComparer.Ordinal))
        {
            writer.WriteStartArray(group.Key);
            foreach (var record in group)
            {
                WriteRecord(writer, record);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteRecord(Utf8JsonWriter writer, KafkaRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("topic"u8, record.Topic);
        writer.WriteNumber("partition"u8, record.Partition);
        writer.WriteNumber("offset"u8, record.Offset);
        writer.WriteNumber("timestamp"u8, record.Timestamp?.ToUnixTimeMilliseconds() ?? -1);
        writer.WriteString("timestampType"u8, record.TimestampType ?? (record.Timestamp is null ? "NO_TIMESTAMP_TYPE" : "CREATE_TIME"));
        if (record.Key is { } key)
        {
            writer.WriteBase64String("key"u8, key.Span);
        }
        writer.WriteBase64String("value"u8, record.Value.Span);
        writer.WriteStartArray("headers"u8);
        foreach (var header in record.Headers)
        {
            writer.WriteStartObject();
            writer.WriteStartArray(header.Name);
            foreach (byte b in header.Value.Span)
            {
                writer.WriteNumberValue(unchecked((sbyte)b));
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
