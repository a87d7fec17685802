using System.Text.Json;
using Automation.LogForwarder.Bulk;

namespace Automation.LogForwarder.Documents;

/// <summary>
/// The dead letter of an item OpenSearch refused for good: when, what kind of item, where it was going and under which
/// id, the error, where it came from (<paramref name="writeOrigin"/>: Kafka coordinates, a log group) and the raw text.
/// </summary>
internal static class DeadLetterDocument
{
    public static void Write(
        Utf8JsonWriter writer, DateTimeOffset now, string kind, BulkItem item, BulkItemResult result, string raw, Action<Utf8JsonWriter>? writeOrigin)
    {
        writer.WriteStartObject();
        writer.WriteString("@timestamp", now.UtcDateTime);
        writer.WriteString("kind", kind);
        writer.WriteString("index", item.Index);
        writer.WriteString("id", item.Id);
        writer.WriteStartObject("error");
        writer.WriteNumber("status", result.Status);
        writer.WriteString("type", result.ErrorType ?? "");
        writer.WriteString("reason", result.Reason ?? "");
        writer.WriteEndObject();
        writeOrigin?.Invoke(writer);
        writer.WriteString("raw", raw);
        writer.WriteEndObject();
    }
}
