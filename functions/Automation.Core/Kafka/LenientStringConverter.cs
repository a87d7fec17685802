using System.Text.Json;
using System.Text.Json.Serialization;

namespace Automation.Core.Kafka;

/// <summary>Reads a JSON string; any other value (or text that is not valid UTF-8) reads as null instead of throwing.</summary>
internal sealed class LenientStringConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }
        return KafkaJsonText.TryGetString(ref reader, out var text) ? text : null;
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The Kafka event envelope is read-only; use KafkaEventWriter.");
}
