using System.Text.Json;

namespace Automation.Core.Notify;

/// <summary>
/// Reads the webhook secret: the URL itself, or a JSON object <c>{"url": "..."}</c>. The URL must be https (http only
/// to a loopback host, for tests). Error messages say what is wrong with the value, never the value.
/// </summary>
internal static class WebhookUrl
{
    /// <exception cref="FormatException">The secret is not a usable webhook URL.</exception>
    public static Uri Parse(string secret)
    {
        var text = secret?.Trim() ?? "";
        if (text.StartsWith('{'))
        {
            text = UrlField(text);
        }
        if (text.Length == 0)
        {
            throw new FormatException("the webhook secret is empty");
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw new FormatException("the webhook secret is not an absolute http(s) URL (give the URL, or JSON {\"url\": \"https://...\"})");
        }
        if (!NotificationText.IsAllowedScheme(url))
        {
            throw new FormatException("the webhook URL must use https (http is accepted only for a loopback host)");
        }
        return url;
    }

    private static string UrlField(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("url", out var url)
                && url.ValueKind == JsonValueKind.String)
            {
                return url.GetString()!.Trim();
            }
        }
        catch (JsonException)
        {
            // The parser's message may quote the value: say only what failed.
            throw new FormatException("the webhook secret starts with '{' but is not valid JSON");
        }
        throw new FormatException("the webhook secret's JSON has no string field \"url\"");
    }
}
