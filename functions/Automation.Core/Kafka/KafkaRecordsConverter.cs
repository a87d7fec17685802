using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Automation.Core.Kafka;

/// <summary>
/// Reads the event's <c>records</c> object ("topic-partition" → array of records) with the reader the serializer hands
/// over, so the hot part of the event never goes through a DOM or per-property binding.
/// </summary>
internal sealed class KafkaRecordsConverter : JsonConverter<KafkaRecordsSection>
{
    public override KafkaRecordsSection Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return KafkaRecordsSection.NotAnObject;
        }

        var records = new List<KafkaRecord>();
        var failures = new List<KafkaDecodeFailure>();
        var recordReader = new KafkaRecordReader();
        long valueBytes = 0;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string recordsKey = ReadRecordsKey(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue; // no records for this partition
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                failures.Add(new KafkaDecodeFailure(recordsKey, "records entry is not an array"));
                continue;
            }
            for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                if (recordReader.TryRead(ref reader, recordsKey, index, out var record, out var failure))
                {
                    records.Add(record);
                    valueBytes += record.Value.Length;
                }
                else
                {
                    failures.Add(failure);
                }
            }
        }
        return new KafkaRecordsSection(true, records, failures, valueBytes);
    }

    public override void Write(Utf8JsonWriter writer, KafkaRecordsSection value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The Kafka event model is read-only; use KafkaEventWriter.");

    /// <summary>The key only names failures, so text that is not valid UTF-8 is kept with replacement characters.</summary>
    private static string ReadRecordsKey(ref Utf8JsonReader reader) =>
        KafkaJsonText.TryGetString(ref reader, out var key)
            ? key!
            : Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
}
