using System.Text;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>Walks already validated JSON with <see cref="Utf8JsonReader"/>: path lookups and small value reads.</summary>
internal static class JsonNavigator
{
    /// <summary>
    /// Moves a fresh reader to the value at <paramref name="segments"/> (the root for an empty path). The first
    /// property of a given name wins, as it does for every lookup in a record.
    /// </summary>
    public static bool TryNavigate(ref Utf8JsonReader reader, scoped ReadOnlySpan<FieldPathSegment> segments)
    {
        if (!reader.Read())
        {
            return false;
        }
        foreach (var segment in segments)
        {
            if (segment.IsIndex ? !TryEnterIndex(ref reader, segment.Index) : !TryEnterKey(ref reader, segment.Utf8Name))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryEnterKey(ref Utf8JsonReader reader, ReadOnlySpan<byte> key)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(key);
            reader.Read();
            if (match)
            {
                return true;
            }
            reader.Skip();
        }
        return false;
    }

    private static bool TryEnterIndex(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (i == index)
            {
                return true;
            }
            reader.Skip();
        }
        return false;
    }

    /// <summary>The current value as text (see <see cref="LogFields.TryGetValue(FieldPath, out string?)"/>); null for JSON null.</summary>
    public static string? ReadAsText(ref Utf8JsonReader reader, ReadOnlySpan<byte> json) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.StartObject or JsonTokenType.StartArray => Encoding.UTF8.GetString(json[ValueRange(ref reader)]),
        _ => null,
    };

    /// <summary>The bytes of the current value, start to end (strings with their quotes); leaves the reader on its last token.</summary>
    public static Range ValueRange(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return start..(int)reader.BytesConsumed;
    }

    /// <summary>A reader on one complete value (as cut by <see cref="ValueRange"/>), already on its first token.</summary>
    public static Utf8JsonReader Open(ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value, JsonLimits.ReaderOptions);
        reader.Read();
        return reader;
    }

    /// <summary>The current value as text when it is a string, number or boolean; null otherwise.</summary>
    public static string? ReadScalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => null,
    };
}
