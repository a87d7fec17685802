using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Automation.Core.Notify;

/// <summary>
/// The message for a Slack-compatible incoming webhook: <c>{"text": "..."}</c> in Slack's mrkdwn, which Slack,
/// Mattermost and Rocket.Chat all accept. Every piece that may come from a log (the group, the summary, targets,
/// details) and every other piece too is put on one line and escaped (&amp; &lt; &gt; become entities), so a log line
/// cannot open a link or a special mention such as &lt;!channel&gt;; a '@' before a letter is followed by a zero-width
/// space so a plain @channel or @user pings no one either. Only the links the notification carries are links. The text is at
/// most <see cref="MaxTextLength"/> characters, far under Slack's 40,000.
/// </summary>
internal static class SlackMessage
{
    public const int MaxTextLength = 3000;
    public const int MaxTriggers = 5;
    private const int MaxLinksPerAction = 3;
    private const int MaxUrlLength = 500;
    private const string TailReserve = "… 999 more actions not shown";

    /// <summary>The request body: <c>{"text": ...}</c> as UTF-8 JSON.</summary>
    public static byte[] Body(Notification notification)
    {
        using var buffer = new MemoryStream(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", Text(notification));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The mrkdwn text, at most <see cref="MaxTextLength"/> characters.</summary>
    public static string Text(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var head = new List<string>
        {
            $"*{Title(notification.Event)}*: rule *{Escape(notification.RuleId, 100)}*"
                + (string.IsNullOrWhiteSpace(notification.RuleDescription) ? "" : " (" + Escape(notification.RuleDescription, 200) + ")"),
        };
        if (!string.IsNullOrWhiteSpace(notification.Summary))
        {
            head.Add(Escape(notification.Summary, 600));
        }
        if (!string.IsNullOrWhiteSpace(notification.Group))
        {
            head.Add("Group: " + Escape(notification.Group, 200));
        }

        var tail = new List<string>();
        if (notification.Triggers.Count > 0)
        {
            var shown = notification.Triggers.Take(MaxTriggers).Select(t => Escape(t, 80));
            var more = notification.Triggers.Count > MaxTriggers ? $" (+{notification.Triggers.Count - MaxTriggers} more)" : "";
            tail.Add("Triggers: " + string.Join(", ", shown) + more);
        }
        tail.Add($"{Escape(notification.Function, 80)} · request {Escape(notification.RequestId, 80)} · {notification.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");

        // Actions take what is left; those that do not fit are counted instead, so the bound holds for any number.
        var room = MaxTextLength - Length(head) - Length(tail) - TailReserve.Length - 1;
        var lines = new List<string>(head);
        var omitted = 0;
        foreach (var action in notification.Actions)
        {
            var line = ActionLine(action);
            if (omitted == 0 && line.Length + 1 <= room)
            {
                lines.Add(line);
                room -= line.Length + 1;
            }
            else
            {
                omitted++;
            }
        }
        if (omitted > 0)
        {
            lines.Add($"… {omitted} more action{(omitted == 1 ? "" : "s")} not shown");
        }
        lines.AddRange(tail);
        return string.Join('\n', lines);
    }

    /// <summary>
    /// <paramref name="text"/> on one line with &amp;, &lt; and &gt; escaped and '@' defused, at most
    /// <paramref name="maxLength"/> characters after escaping (an entity is never cut).
    /// </summary>
    internal static string Escape(string? text, int maxLength)
    {
        var line = NotificationText.OneLine(text, maxLength);
        var builder = new StringBuilder(line.Length + 16);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            var piece = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                // A mention starts with a letter (@channel, @here, @jane); "@42" in Kafka coordinates is left alone.
                '@' when i + 1 < line.Length && char.IsLetter(line[i + 1]) => "@\u200B",
                _ => null,
            };
            var width = piece?.Length ?? 1;
            if (builder.Length + width > maxLength)
            {
                // Escaping made it longer than the bound: end with the ellipsis in place of what does not fit.
                while (builder.Length > maxLength - 1)
                {
                    builder.Length--;
                }
                TrimPartialEntity(builder);
                builder.Append('…');
                break;
            }
            if (piece is null)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(piece);
            }
        }
        return builder.ToString();
    }

    private static string ActionLine(NotifiedAction action)
    {
        var builder = new StringBuilder("• ");
        builder.Append(Escape(action.Type, 50));
        if (!string.IsNullOrWhiteSpace(action.Target))
        {
            builder.Append(" on ").Append(Escape(action.Target, 200));
        }
        builder.Append(": ").Append(Escape(action.Outcome, 30));
        if (!string.IsNullOrWhiteSpace(action.Detail))
        {
            builder.Append(". ").Append(Escape(action.Detail, 400));
        }
        foreach (var (label, url) in (action.Links ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Take(MaxLinksPerAction))
        {
            if (Link(url) is { } target)
            {
                var text = Escape(label, 40);
                builder.Append(' ').Append('<').Append(target).Append('|').Append(text.Length == 0 ? "link" : text).Append('>');
            }
        }
        return builder.ToString();
    }

    /// <summary>The URL as it may stand inside &lt;...|...&gt;, or null when it is not a link we show.</summary>
    private static string? Link(string url)
    {
        if (NotificationText.SafeLink(url) is not { } uri)
        {
            return null;
        }
        var text = uri.AbsoluteUri
            .Replace("|", "%7C", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal)
            .Replace(">", "%3E", StringComparison.Ordinal)
            .Replace("&", "&amp;", StringComparison.Ordinal);
        return text.Length <= MaxUrlLength && !text.Any(char.IsWhiteSpace) ? text : null;
    }

    private static void TrimPartialEntity(StringBuilder builder)
    {
        // An entity is at most 5 characters ("&amp;"), the defused '@' 2: drop a started one.
        for (var i = builder.Length - 1; i >= Math.Max(0, builder.Length - 5); i--)
        {
            if (builder[i] == ';')
            {
                return;
            }
            if (builder[i] == '&')
            {
                builder.Length = i;
                return;
            }
        }
        if (builder.Length > 0 && builder[^1] == '@')
        {
            builder.Length--;
        }
    }

    private static string Title(NotificationEvent value) => value switch
    {
        NotificationEvent.Fired => "Fired",
        NotificationEvent.Suppressed => "Suppressed by a guardrail",
        NotificationEvent.Failed => "Failed",
        NotificationEvent.Resolved => "Resolved",
        _ => NotificationText.EventName(value),
    };

    private static int Length(List<string> lines) => lines.Sum(l => l.Length + 1);
}
