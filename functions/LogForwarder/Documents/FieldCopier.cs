using System.Text;
using System.Text.Json;

namespace Automation.LogForwarder.Documents;

/// <summary>
/// Copies JSON from a record into a document with bounds, so one odd record cannot explode an index's mapping:
/// objects and arrays deeper than the depth limit become their JSON text (a string), at most a budget of values are
/// copied, and dots in names become underscores (as Fluent Bit's Replace_Dots does: <c>app.kubernetes.io/name</c>
/// next to <c>app</c> would otherwise be a mapping conflict that refuses the whole document).
/// </summary>
internal static class FieldCopier
{
    /// <summary>Copies the value the reader is on (and advances past it). Returns false when the budget ran out on the way.</summary>
    public static bool CopyValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Utf8JsonWriter writer, int depthLeft, ref int budget)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject when depthLeft <= 0:
            case JsonTokenType.StartArray when depthLeft <= 0:
                budget--;
                WriteAsText(ref reader, json, writer);
                return true;
            case JsonTokenType.StartObject:
            {
                var complete = true;
                writer.WriteStartObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (budget <= 0 || reader.ValueSpan.Length == 0)
                    {
                        complete &= budget > 0;
                        reader.Read();
                        reader.Skip();
                        continue;
                    }
                    WriteName(ref reader, writer);
                    reader.Read();
                    complete &= CopyValue(ref reader, json, writer, depthLeft - 1, ref budget);
                }
                writer.WriteEndObject();
                return complete;
            }
            case JsonTokenType.StartArray:
            {
                var complete = true;
                writer.WriteStartArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (budget <= 0)
                    {
                        complete = false;
                        reader.Skip();
                        continue;
                    }
                    complete &= CopyValue(ref reader, json, writer, depthLeft - 1, ref budget);
                }
                writer.WriteEndArray();
                return complete;
            }
            case JsonTokenType.String:
                budget--;
                if (reader.ValueIsEscaped)
                {
                    writer.WriteStringValue(reader.GetString());
                }
                else
                {
                    writer.WriteStringValue(reader.ValueSpan);
                }
                return true;
            case JsonTokenType.Number:
                budget--;
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                return true;
            case JsonTokenType.True:
            case JsonTokenType.False:
                budget--;
                writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                return true;
            default:
                writer.WriteNullValue();
                return true;
        }
    }

    /// <summary>The property name the reader is on, dots replaced.</summary>
    public static void WriteName(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (!reader.ValueIsEscaped && reader.ValueSpan.IndexOf((byte)'.') < 0)
        {
            writer.WritePropertyName(reader.ValueSpan);
            return;
        }
        writer.WritePropertyName(SafeName(reader.GetString()!));
    }

    public static string SafeName(string name) => name.Replace('.', '_');

    private static void WriteAsText(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Utf8JsonWriter writer)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        writer.WriteStringValue(Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]));
    }
}
