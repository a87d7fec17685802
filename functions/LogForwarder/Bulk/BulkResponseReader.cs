using System.Text.Json;

namespace Automation.LogForwarder.Bulk;

/// <summary>
/// Reads a _bulk answer with <see cref="Utf8JsonReader"/>: <c>errors</c> and, per item in request order, its
/// <c>status</c> and <c>error.type</c> / <c>error.reason</c>. Everything else (shards, versions) is skipped.
/// </summary>
internal static class BulkResponseReader
{
    /// <summary>The items, or null when the body is not a bulk answer.</summary>
    public static List<BulkItemResult>? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            List<BulkItemResult>? items = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isItems = reader.ValueTextEquals("items"u8);
                reader.Read();
                if (isItems && reader.TokenType == JsonTokenType.StartArray)
                {
                    items = [];
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        items.Add(ReadItem(ref reader));
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            return items;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // { "<op>": { ..., "status": 429, "error": { "type": ..., "reason": ... } } }
    private static BulkItemResult ReadItem(ref Utf8JsonReader reader)
    {
        var result = new BulkItemResult(0, null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("status"u8))
                {
                    reader.Read();
                    result = result with { Status = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var status) ? status : 0 };
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    result = reader.TokenType switch
                    {
                        JsonTokenType.String => result with { Reason = reader.GetString() },
                        JsonTokenType.StartObject => ReadError(ref reader, result),
                        _ => result,
                    };
                    if (reader.TokenType is JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        return result;
    }

    private static BulkItemResult ReadError(ref Utf8JsonReader reader, BulkItemResult result)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("type"u8) ? 1 : reader.ValueTextEquals("reason"u8) ? 2 : 0;
            reader.Read();
            if (field != 0 && reader.TokenType == JsonTokenType.String)
            {
                result = field == 1 ? result with { ErrorType = reader.GetString() } : result with { Reason = reader.GetString() };
            }
            else
            {
                reader.Skip();
            }
        }
        return result;
    }
}
