using System.Text.Json;

namespace Automation.Core.Kafka;

/// <summary>
/// Decodes the Lambda Kafka event (MSK and self-managed) into immutable <see cref="KafkaRecord"/>s at the edge.
/// </summary>
/// <remarks>
/// Why this shape: the envelope is bound by a source-generated <see cref="KafkaEventJsonContext"/> (no reflection,
/// AOT safe), while <c>records</c>, which is nearly all of a 6 MB event, goes through a custom converter that walks the
/// <see cref="Utf8JsonReader"/> by hand and base64-decodes each value straight from the token's UTF-8 bytes into an
/// exact-size array. Measured on a 6 MB event, that pass costs ~4 ms and allocates nothing beyond the records
/// themselves; a JsonDocument costs more time and about half the event again in garbage.
/// A record that cannot be decoded becomes a <see cref="KafkaDecodeFailure"/>; only an event that is unusable as a
/// whole throws. A null, empty or absent value is a Kafka tombstone: a valid record with an empty value.
/// </remarks>
public static class KafkaEventDecoder
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <exception cref="KafkaEventFormatException">Not JSON, not a JSON object, or no <c>records</c> object.</exception>
    public static KafkaBatch Decode(ReadOnlySpan<byte> utf8Json)
    {
        // Some tools save events with a BOM (the aws-lambda-dotnet samples do); the JSON reader does not skip it.
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        EnsureObject(utf8Json);
        KafkaEventEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(utf8Json, KafkaEventJsonContext.Default.KafkaEventEnvelope);
        }
        catch (JsonException ex)
        {
            // Our own words: the serializer's message may quote a piece of the event.
            throw new KafkaEventFormatException(
                $"The Kafka event is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        var section = envelope?.Records ?? throw new KafkaEventFormatException("The Kafka event has no records object.");
        if (!section.IsObject)
        {
            throw new KafkaEventFormatException("The Kafka event's records property is not a JSON object.");
        }
        return new KafkaBatch(
            envelope.EventSource,
            envelope.EventSourceArn,
            envelope.BootstrapServers,
            section.Records,
            section.Failures,
            section.ValueBytes);
    }

    /// <summary>Looks at the first token only, so "not an object" gets its own message instead of a serializer error.</summary>
    private static void EnsureObject(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        bool read;
        try
        {
            read = reader.Read();
        }
        catch (JsonException)
        {
            read = false;
        }
        if (!read)
        {
            throw new KafkaEventFormatException("The Kafka event is not valid JSON.");
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new KafkaEventFormatException("The Kafka event is not a JSON object.");
        }
    }
}
