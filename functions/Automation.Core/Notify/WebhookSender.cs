using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Automation.Core.Aws.Secrets;

namespace Automation.Core.Notify;

/// <summary>
/// Posts the notification to a Slack-compatible incoming webhook (<see cref="SlackMessage"/>). The URL is a secret,
/// read on every attempt through the function's secrets (which cache it), and appears in no outcome: details name
/// the HTTP status and the service's error text (e.g. "no_service"), with the URL redacted should it be echoed.
/// 2xx is accepted; 429 (with its Retry-After), 408, 5xx, timeouts and connection errors are transient; every other
/// answer (400 invalid_payload, 403 action_prohibited, 404 no_service, 410 channel_is_archived, a redirect) is a refusal.
/// </summary>
internal sealed class WebhookSender : INotificationChannel
{
    private const int MaxErrorBytes = 1024;
    private readonly Func<CancellationToken, Task<string>> _readSecret;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <param name="http">A client that does not follow redirects (the secret URL must not be sent elsewhere).</param>
    public WebhookSender(Func<CancellationToken, Task<string>> readSecret, HttpClient http, TimeProvider time)
    {
        _readSecret = readSecret;
        _http = http;
        _time = time;
    }

    public string Name => Notifier.WebhookChannel;

    /// <summary>A client for webhooks: no redirects, no cookies, no timeout of its own (each attempt has one).</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<ChannelOutcome> AttemptAsync(Notification notification, CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = await _readSecret(cancellationToken).ConfigureAwait(false);
        }
        catch (SecretUnavailableException e)
        {
            return ChannelOutcome.Transient("the webhook secret could not be read: " + NotificationText.OneLine(e.Reason, 300));
        }
        catch (InvalidOperationException)
        {
            return ChannelOutcome.Refused($"{Notifier.WebhookSecretVariable} is not set, so there is no webhook to post to");
        }
        catch (OperationCanceledException)
        {
            return ChannelOutcome.Transient("the webhook secret was not read in time");
        }

        Uri url;
        try
        {
            url = WebhookUrl.Parse(secret);
        }
        catch (FormatException e)
        {
            return ChannelOutcome.Refused(e.Message);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(SlackMessage.Body(notification)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var code = status.ToString(CultureInfo.InvariantCulture);
            if (response.IsSuccessStatusCode)
            {
                return ChannelOutcome.Accepted("HTTP " + code, code);
            }
            var error = await ErrorTextAsync(response, url, secret, cancellationToken).ConfigureAwait(false);
            var detail = $"HTTP {code}{(error.Length > 0 ? " " + error : "")}";
            return response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => ChannelOutcome.Transient("rate limited: " + detail, code, RetryAfter(response)),
                HttpStatusCode.RequestTimeout => ChannelOutcome.Transient(detail, code),
                _ when status >= 500 => ChannelOutcome.Transient(detail, code),
                _ when status is >= 300 and < 400 => ChannelOutcome.Refused(detail + " (redirects are not followed: the secret URL must be the webhook itself)", code),
                _ => ChannelOutcome.Refused(detail, code),
            };
        }
        catch (HttpRequestException e)
        {
            // Only the error kind: the exception's message names the host and may, in some handlers, carry the URL.
            return ChannelOutcome.Transient($"the webhook could not be reached ({e.HttpRequestError})");
        }
        catch (OperationCanceledException)
        {
            return ChannelOutcome.Transient("the webhook did not answer in time");
        }
        catch (IOException)
        {
            return ChannelOutcome.Transient("the connection to the webhook broke");
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }
        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>
    /// The start of the error body (Slack answers a plain word such as "invalid_payload"), on one line, escaped for
    /// mrkdwn, short, and with the URL and the secret removed should a proxy echo them.
    /// </summary>
    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, Uri url, string secret, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxErrorBytes];
        var read = 0;
        await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
            {
                read += n;
            }
        }
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        foreach (var revealing in new[] { secret.Trim(), url.OriginalString, url.AbsoluteUri, url.PathAndQuery.Length > 1 ? url.PathAndQuery : "" })
        {
            if (revealing.Length > 0)
            {
                text = text.Replace(revealing, "[redacted]", StringComparison.OrdinalIgnoreCase);
            }
        }
        return SlackMessage.Escape(text.Trim(), 200);
    }
}
