using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Automation.Core.Kafka;

/// <summary>
/// Reads one record object of the event's <c>records</c> arrays into a <see cref="KafkaRecord"/>. Content problems never
/// throw: the record comes back as a <see cref="KafkaDecodeFailure"/> and the reader is left on the record's last token,
/// so the rest of the batch goes on. (Malformed JSON still throws from the reader: that is the event, not the record.)
/// One instance serves one decode call; it holds scratch state reused from record to record.
/// </summary>
internal sealed class KafkaRecordReader
{
    // Largest epoch millisecond DateTimeOffset can hold (9999-12-31T23:59:59.999Z).
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    private readonly List<byte> headerBytes = [];
    private readonly List<KafkaHeader> headers = [];
    private string? lastTopic;

    public bool TryRead(
        ref Utf8JsonReader reader,
        string recordsKey,
        int index,
        [NotNullWhen(true)] out KafkaRecord? record,
        [NotNullWhen(false)] out KafkaDecodeFailure? failure)
    {
        record = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            failure = new KafkaDecodeFailure($"{recordsKey}#{index}", "record is not a JSON object");
            return false;
        }

        string? topic = null;
        long? partition = null;
        long? offset = null;
        long? timestampMs = null;
        string? timestampType = null;
        byte[]? key = null;
        byte[] value = [];
        KafkaHeader[] recordHeaders = [];
        string? problem = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("topic"u8))
            {
                reader.Read();
                topic = ReadTopic(ref reader, ref problem);
            }
            else if (reader.ValueTextEquals("partition"u8))
            {
                reader.Read();
                partition = ReadInteger(ref reader, "partition", ref problem);
            }
            else if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                offset = ReadInteger(ref reader, "offset", ref problem);
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                timestampMs = ReadInteger(ref reader, "timestamp", ref problem);
            }
            else if (reader.ValueTextEquals("timestampType"u8))
            {
                reader.Read();
                timestampType = ReadTimestampType(ref reader, ref problem);
            }
            else if (reader.ValueTextEquals("key"u8))
            {
                reader.Read();
                key = ReadBase64(ref reader, "key", ref problem);
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                // A null (or absent) value is a Kafka tombstone: a valid record whose value is empty.
                value = ReadBase64(ref reader, "value", ref problem) ?? [];
            }
            else if (reader.ValueTextEquals("headers"u8))
            {
                reader.Read();
                recordHeaders = ReadHeaders(ref reader, ref problem);
            }
            else
            {
                // keySchemaMetadata, valueSchemaMetadata and anything newer: not ours, skip the whole value.
                reader.Skip();
            }
        }

        if (partition is < 0 or > int.MaxValue)
        {
            problem ??= "partition is out of range";
            partition = null;
        }
        if (offset < 0)
        {
            problem ??= "offset is out of range";
            offset = null;
        }
        if (timestampMs > MaxUnixMilliseconds)
        {
            problem ??= "timestamp is out of range";
        }
        problem ??= topic is null ? "topic is missing"
            : partition is null ? "partition is missing"
            : offset is null ? "offset is missing"
            : null;

        if (problem is not null)
        {
            string identifier = topic is not null && partition is not null && offset is not null
                ? new KafkaCoordinates(topic, (int)partition.Value, offset.Value).ToString()
                : $"{recordsKey}#{index}";
            failure = new KafkaDecodeFailure(identifier, problem);
            return false;
        }

        // Kafka uses -1 for "no timestamp"; 0 is what producers without a clock send.
        DateTimeOffset? timestamp = timestampMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(timestampMs.Value) : null;
        // Spelled out: the implicit byte[] → ReadOnlyMemory conversion would turn a null key into an empty one.
        ReadOnlyMemory<byte>? keyBytes = null;
        if (key is not null)
        {
            keyBytes = key;
        }
        record = new KafkaRecord(topic!, (int)partition!.Value, offset!.Value, timestamp, timestampType, keyBytes, value, recordHeaders);
        failure = null;
        return true;
    }

    private string? ReadTopic(ref Utf8JsonReader reader, ref string? problem)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            WrongType(ref reader, "topic", ref problem);
            return null;
        }
        // Every record of a batch names one of a few topics: reuse the string instead of allocating one per record.
        if (lastTopic is not null && reader.ValueTextEquals(lastTopic))
        {
            return lastTopic;
        }
        if (!KafkaJsonText.TryGetString(ref reader, out var topic))
        {
            problem ??= "topic is not valid UTF-8";
            return null;
        }
        if (topic!.Length == 0)
        {
            return null;
        }
        lastTopic = topic;
        return topic;
    }

    private static string? ReadTimestampType(ref Utf8JsonReader reader, ref string? problem)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            WrongType(ref reader, "timestampType", ref problem);
            return null;
        }
        // The three names Kafka has, without a string per record.
        if (reader.ValueTextEquals("CREATE_TIME"u8))
        {
            return "CREATE_TIME";
        }
        if (reader.ValueTextEquals("LOG_APPEND_TIME"u8))
        {
            return "LOG_APPEND_TIME";
        }
        if (reader.ValueTextEquals("NO_TIMESTAMP_TYPE"u8))
        {
            return "NO_TIMESTAMP_TYPE";
        }
        if (!KafkaJsonText.TryGetString(ref reader, out var text))
        {
            problem ??= "timestampType is not valid UTF-8";
        }
        return text;
    }

    private static long? ReadInteger(ref Utf8JsonReader reader, string field, ref string? problem)
    {
        if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String))
        {
            WrongType(ref reader, field, ref problem);
            return null;
        }
        if (!KafkaJsonText.TryGetInteger(ref reader, out long value))
        {
            problem ??= field + " is not an integer";
            return null;
        }
        return value;
    }

    private static byte[]? ReadBase64(ref Utf8JsonReader reader, string field, ref string? problem)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            WrongType(ref reader, field, ref problem);
            return null;
        }
        if (problem is not null)
        {
            return null; // the record already failed: don't spend an allocation on it
        }
        var bytes = KafkaJsonText.TryDecodeBase64(ref reader);
        if (bytes is null)
        {
            problem = field + " is not valid base64";
        }
        return bytes;
    }

    /// <summary>
    /// Headers come as an array of single-property objects, name to byte array. Lambda writes Java's signed bytes
    /// (-128..127); other producers write 0..255. Both map to the same raw byte, and the bytes need not be UTF-8.
    /// </summary>
    private KafkaHeader[] ReadHeaders(ref Utf8JsonReader reader, ref string? problem)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            WrongType(ref reader, "headers", ref problem);
            return [];
        }
        headers.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                WrongType(ref reader, "headers", ref problem);
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!KafkaJsonText.TryGetString(ref reader, out var name))
                {
                    problem ??= "header name is not valid UTF-8";
                }
                reader.Read();
                var headerValue = ReadHeaderValue(ref reader, ref problem);
                if (problem is null)
                {
                    headers.Add(new KafkaHeader(name!, headerValue));
                }
            }
        }
        return headers.Count == 0 ? [] : [.. headers];
    }

    private byte[] ReadHeaderValue(ref Utf8JsonReader reader, ref string? problem)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return []; // Kafka allows a header without a value
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            WrongType(ref reader, "header value", ref problem);
            return [];
        }
        headerBytes.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number) && number is >= sbyte.MinValue and <= byte.MaxValue)
            {
                headerBytes.Add(unchecked((byte)number)); // -1 → 0xFF, same as 255
                continue;
            }
            problem ??= "header value is not an array of bytes";
            reader.Skip();
        }
        return [.. headerBytes];
    }

    /// <summary>Skips a value of the wrong type (containers included). JSON null counts as absent, not as a problem.</summary>
    private static void WrongType(ref Utf8JsonReader reader, string field, ref string? problem)
    {
        if (reader.TokenType != JsonTokenType.Null)
        {
            problem ??= field + " has the wrong JSON type";
        }
        reader.Skip();
    }
}
