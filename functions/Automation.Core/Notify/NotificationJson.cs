using System.Globalization;
using System.Text.Json;

namespace Automation.Core.Notify;

/// <summary>
/// The JSON message sent to an SQS queue, schema docs/schemas/notification.schema.json (schemaVersion 1). Written
/// with Utf8JsonWriter (no reflection: the core is AOT-compiled); texts are kept as they were, only bounded in length,
/// and the writer escapes them, so a consumer must still treat group, summary, targets and details as untrusted.
/// </summary>
internal static class NotificationJson
{
    public const int SchemaVersion = 1;
    public const int MaxText = 2000;
    public const int MaxShortText = 500;
    public const int MaxActions = 20;
    public const int MaxTriggers = 100;
    public const int MaxLinks = 10;

    /// <summary>
    /// The id within the schema's bound. Consumers deduplicate on it, so a longer one (a long group) is not just cut,
    /// which would make two firings that differ only in their last trigger one: it keeps a readable prefix and ends
    /// in the SHA-256 of the whole id.
    /// </summary>
    internal static string BoundedId(string id)
    {
        if (id.Length <= MaxShortText)
        {
            return id;
        }
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));
        return NotificationText.Bounded(id, MaxShortText - 80) + "#sha256:" + hash;
    }

    public static string Serialize(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        using var buffer = new MemoryStream(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", SchemaVersion);
            json.WriteString("id", BoundedId(notification.Id));
            json.WriteString("event", NotificationText.EventName(notification.Event));
            json.WriteString("function", NotificationText.Bounded(notification.Function, MaxShortText));
            json.WriteString("requestId", NotificationText.Bounded(notification.RequestId, MaxShortText));
            json.WriteString("ruleId", NotificationText.Bounded(notification.RuleId, MaxShortText));
            if (notification.RuleDescription is { } description)
            {
                json.WriteString("ruleDescription", NotificationText.Bounded(description, MaxText));
            }
            else
            {
                json.WriteNull("ruleDescription");
            }
            json.WriteString("group", NotificationText.Bounded(notification.Group, MaxText));
            json.WriteString("summary", NotificationText.Bounded(notification.Summary, MaxText));
            json.WriteStartArray("actions");
            foreach (var action in notification.Actions.Take(MaxActions))
            {
                WriteAction(json, action);
            }
            json.WriteEndArray();
            json.WriteNumber("actionsOmitted", Math.Max(0, notification.Actions.Count - MaxActions));
            json.WriteStartArray("triggers");
            foreach (var trigger in notification.Triggers.Take(MaxTriggers))
            {
                json.WriteStringValue(NotificationText.Bounded(trigger, MaxShortText));
            }
            json.WriteEndArray();
            json.WriteNumber("triggersOmitted", Math.Max(0, notification.Triggers.Count - MaxTriggers));
            json.WriteString("at", notification.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteAction(Utf8JsonWriter json, NotifiedAction action)
    {
        json.WriteStartObject();
        json.WriteString("type", NotificationText.Bounded(action.Type, MaxShortText));
        json.WriteString("target", NotificationText.Bounded(action.Target, MaxShortText));
        json.WriteString("outcome", NotificationText.Bounded(action.Outcome, MaxShortText));
        json.WriteString("detail", NotificationText.Bounded(action.Detail, MaxText));
        json.WriteStartObject("links");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        // Only links a person could follow safely: absolute https (http on loopback), as in the webhook message.
        foreach (var (label, url) in (action.Links ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Take(MaxLinks))
        {
            var key = NotificationText.Bounded(label, 100);
            if (NotificationText.SafeLink(url) is { } uri && uri.AbsoluteUri.Length <= MaxText && labels.Add(key))
            {
                json.WriteString(key, uri.AbsoluteUri);
            }
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
