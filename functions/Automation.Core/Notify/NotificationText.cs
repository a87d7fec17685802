using System.Globalization;
using System.Text;

namespace Automation.Core.Notify;

/// <summary>
/// Text helpers shared by the message formats: bounding hostile text (log values reach notifications through the
/// group, the summary, targets and details) and deciding which links may be shown.
/// </summary>
internal static class NotificationText
{
    /// <summary>The event's name in messages and in the JSON body: fired, suppressed, failed, resolved.</summary>
    public static string EventName(NotificationEvent value) => value switch
    {
        NotificationEvent.Fired => "fired",
        NotificationEvent.Suppressed => "suppressed",
        NotificationEvent.Failed => "failed",
        NotificationEvent.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "unknown notification event"),
    };

    /// <summary>
    /// <paramref name="text"/> on one line and at most <paramref name="maxLength"/> characters: control and invisible
    /// formatting characters (line breaks, bidi overrides, zero-width marks) become spaces, a lone surrogate becomes
    /// U+FFFD, and a longer text ends in "…" (never inside a surrogate pair).
    /// </summary>
    public static string OneLine(string? text, int maxLength) => Cut(text, maxLength, oneLine: true);

    /// <summary>
    /// <paramref name="text"/> as valid UTF-16 of at most <paramref name="maxLength"/> characters, for the JSON body
    /// (the JSON writer escapes everything else; consumers get the text as it was, only bounded).
    /// </summary>
    public static string Bounded(string? text, int maxLength) => Cut(text, maxLength, oneLine: false);

    /// <summary>
    /// The link when it may be shown: an absolute https URL, or http to a loopback host (tests and local fakes).
    /// Anything else (javascript:, relative, mailto:, plain http) is dropped.
    /// </summary>
    public static Uri? SafeLink(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }
        return IsAllowedScheme(uri) && uri.UserInfo.Length == 0 ? uri : null;
    }

    /// <summary>https, or http to a loopback host.</summary>
    public static bool IsAllowedScheme(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    private static bool IsInvisible(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string Cut(string? text, int maxLength, bool oneLine)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var builder = new StringBuilder(Math.Min(text.Length, maxLength));
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var width = pair ? 2 : 1;
            if (builder.Length + width > maxLength - 1 && i + width < text.Length)
            {
                // One character is kept for the ellipsis, so the result is never longer than maxLength.
                builder.Append('…');
                return builder.ToString();
            }
            if (pair)
            {
                builder.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else
            {
                builder.Append(oneLine && IsInvisible(c) ? ' ' : c);
            }
        }
        return builder.ToString();
    }
}
