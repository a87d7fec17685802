using System.Text.Json;

namespace Automation.LogForwarder.Audit;

/// <summary>
/// One audit line (docs/audit.md) as a document of the audit index: the line's own fields as they are, plus
/// <c>@timestamp</c> (the line's time) and the <c>logGroup</c> and <c>logStream</c> it was read from.
/// </summary>
internal static class AuditDocument
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>
    /// The line as JSON when it is an audit line: an object with a string <c>audit</c> and a number <c>auditVersion</c>.
    /// Null for anything else (Lambda's START/END/REPORT lines, the function's other log lines, metrics, text).
    /// </summary>
    public static JsonDocument? Parse(string message)
    {
        if (!message.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, Options);
        }
        catch (JsonException)
        {
            return null;
        }
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("audit", out var audit) && audit.ValueKind == JsonValueKind.String && audit.GetString() is { Length: > 0 }
            && root.TryGetProperty("auditVersion", out var version) && version.ValueKind == JsonValueKind.Number)
        {
            return document;
        }
        document.Dispose();
        return null;
    }

    /// <summary>The line's <c>time</c>; <paramref name="logged"/> (CloudWatch's timestamp) when it has none that parses.</summary>
    public static DateTimeOffset TimeOf(JsonElement line, DateTimeOffset logged) =>
        line.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String && time.TryGetDateTimeOffset(out var value)
            ? value
            : logged;

    public static void Write(Utf8JsonWriter writer, JsonElement line, DateTimeOffset time, string logGroup, string logStream)
    {
        writer.WriteStartObject();
        writer.WriteString("@timestamp", time.UtcDateTime);
        foreach (var field in line.EnumerateObject())
        {
            // The fields this document adds win: a duplicate key would make OpenSearch refuse the document.
            if (field.NameEquals("@timestamp") || field.NameEquals("logGroup") || field.NameEquals("logStream"))
            {
                continue;
            }
            field.WriteTo(writer);
        }
        writer.WriteString("logGroup", logGroup);
        writer.WriteString("logStream", logStream);
        writer.WriteEndObject();
    }
}
