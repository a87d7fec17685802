using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Automation.Core.Actions;
using Automation.Core.Notify;
using Automation.Core.Telemetry;
using Automation.Testing.Webhooks;

namespace Automation.Core.Tests.Notify;

/// <summary>
/// Posting to a Slack-compatible webhook (a fake on 127.0.0.1): accepted once, retried on 5xx, timeouts and
/// connection errors, 429's Retry-After honoured when it ends before the deadline, Slack's refusals not retried, the
/// deadline kept, and the secret URL never shown in a log line, detail or fact.
/// </summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private static readonly NotifyRetryOptions FastRetry = new()
    {
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(5),
    };

    private readonly StringWriter _log = new();
    private readonly List<ActionResult> _results = [];
    private FakeWebhook _webhook = null!;

    public async Task InitializeAsync() => _webhook = await FakeWebhook.StartAsync();

    public async Task DisposeAsync()
    {
        // Whatever a test did, the secret URL is nowhere in what it wrote or returned.
        AssertSecretNotShown();
        await _webhook.DisposeAsync();
    }

    private Notifier NotifierFor(Func<string> secret, NotifyRetryOptions? retry = null) =>
        new([new WebhookSender(_ => Task.FromResult(secret()), WebhookSender.CreateHttpClient(), TimeProvider.System)],
            retry ?? FastRetry, TimeProvider.System, new JsonLog(_log, TimeProvider.System));

    private Notifier Notifier(NotifyRetryOptions? retry = null) => NotifierFor(() => _webhook.Url.ToString(), retry);

    private async Task<ActionResult> SendAsync(Notifier notifier, TimeSpan within)
    {
        var result = await notifier.SendAsync(Notifications.Sample(), null, DateTimeOffset.UtcNow + within, CancellationToken.None);
        _results.Add(result);
        return result;
    }

    private void AssertSecretNotShown()
    {
        var token = _webhook.Path[(_webhook.Path.LastIndexOf('/') + 1)..];
        var shown = new List<string> { _log.ToString() };
        foreach (var result in _results)
        {
            shown.Add(result.Detail);
            shown.AddRange(result.Facts?.SelectMany(f => new[] { f.Key, f.Value }) ?? []);
        }
        foreach (var text in shown)
        {
            Assert.DoesNotContain(token, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("/services/", text, StringComparison.Ordinal);
        }
        foreach (var line in _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var parsed = JsonDocument.Parse(line); // every log line is one JSON object
            Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task An_accepted_post_is_one_json_message_with_the_text()
    {
        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(10));

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Equal("accepted", result.Facts!["webhook"]);
        Assert.Equal("200", result.Facts["webhookStatus"]);
        Assert.Equal("webhook", result.Facts["channels"]);
        var post = Assert.Single(_webhook.Posts);
        Assert.Equal("POST", post.Method);
        Assert.Equal("application/json; charset=utf-8", post.ContentType);
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(SlackMessage.Text(Notifications.Sample()), body.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Server_errors_are_retried_until_one_post_is_accepted()
    {
        _webhook.AnswerNext(WebhookAnswer.ServerError, WebhookAnswer.ServerError);

        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(10));

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Equal([500, 500, 200], _webhook.Posts.Select(p => p.AnsweredStatus));
        var retries = Lines().Where(l => l.GetProperty("message").GetString() == "notification retried").ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal("webhook", r.GetProperty("channel").GetString()));
        Assert.All(retries, r => Assert.Equal("HTTP 500 rollup_error", r.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_when_its_retry_after_ends_before_the_deadline()
    {
        _webhook.AnswerNext(WebhookAnswer.RateLimited(1));

        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(15));

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        var posts = _webhook.Posts;
        Assert.Equal([429, 200], posts.Select(p => p.AnsweredStatus));
        Assert.True(posts[1].ReceivedAt - posts[0].ReceivedAt >= TimeSpan.FromMilliseconds(950), $"{posts[1].ReceivedAt - posts[0].ReceivedAt}");
    }

    [Fact]
    public async Task A_rate_limit_that_ends_after_the_deadline_is_a_retry_at_once()
    {
        _webhook.AnswerNext(WebhookAnswer.RateLimited(60));
        var clock = Stopwatch.StartNew();

        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(20));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), clock.Elapsed.ToString());
        Assert.Equal(ActionStatus.Retry, result.Status);
        Assert.Equal("retry", result.Facts!["webhook"]);
        Assert.Equal("429", result.Facts["webhookStatus"]);
        Assert.Contains("rate limited: HTTP 429 rate_limited", result.Detail, StringComparison.Ordinal);
        Assert.Single(_webhook.Posts);
    }

    public static TheoryData<int, string> Refusals() => new()
    {
        { 400, "invalid_payload" },
        { 403, "action_prohibited" },
        { 404, "no_service" },
        { 410, "channel_is_archived" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Slack_refusals_fail_at_once_naming_the_status_and_error(int status, string error)
    {
        _webhook.AnswerNext(new WebhookAnswer(status, error));

        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(10));

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("refused", result.Facts!["webhook"]);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Facts["webhookStatus"]);
        Assert.Equal($"notification refused: webhook refused: HTTP {status} {error}", result.Detail);
        Assert.Single(_webhook.Posts);
    }

    [Fact]
    public async Task Errors_that_last_until_the_deadline_are_a_retry_that_returns_by_the_deadline()
    {
        _webhook.AnswerNext([.. Enumerable.Repeat(WebhookAnswer.ServerError, 1000)]);
        var clock = Stopwatch.StartNew();

        var result = await SendAsync(Notifier(FastRetry with { MaxRetryAttempts = 1000 }), TimeSpan.FromSeconds(1));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(ActionStatus.Retry, result.Status);
        Assert.Equal("notification not delivered before the deadline: webhook retry: HTTP 500 rollup_error", result.Detail);
        Assert.True(_webhook.Posts.Count > 2, $"{_webhook.Posts.Count} posts");
        Assert.All(_webhook.Posts, p => Assert.Equal(500, p.AnsweredStatus));
    }

    [Fact]
    public async Task A_webhook_that_does_not_answer_is_given_up_at_the_attempt_timeout_and_retried()
    {
        _webhook.AnswerNext(WebhookAnswer.NoAnswer, WebhookAnswer.NoAnswer);

        var result = await SendAsync(Notifier(FastRetry with { AttemptTimeout = TimeSpan.FromSeconds(1) }), TimeSpan.FromSeconds(10));

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Equal(3, _webhook.Posts.Count);
        Assert.Contains(Lines(), l => l.TryGetProperty("reason", out var r) && r.GetString() == "the webhook did not answer in time");
    }

    [Fact]
    public async Task A_hanging_webhook_past_the_deadline_is_a_retry()
    {
        _webhook.AnswerNext([.. Enumerable.Repeat(WebhookAnswer.NoAnswer, 100)]);
        var clock = Stopwatch.StartNew();

        var result = await SendAsync(Notifier(), TimeSpan.FromMilliseconds(800));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.7), TimeSpan.FromSeconds(10));
        Assert.Equal(ActionStatus.Retry, result.Status);
        Assert.Contains("webhook retry: the webhook did not answer in time", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_far_away_is_no_problem()
    {
        var result = await Notifier().SendAsync(Notifications.Sample(), null, DateTimeOffset.MaxValue, CancellationToken.None);
        _results.Add(result);

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Single(_webhook.Posts);
    }

    [Fact]
    public async Task A_deadline_already_passed_sends_nothing()
    {
        var result = await Notifier().SendAsync(Notifications.Sample(), null, DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None);
        _results.Add(result);

        Assert.Equal(ActionStatus.Retry, result.Status);
        Assert.Empty(_webhook.Posts);
    }

    [Fact]
    public async Task A_connection_refused_is_retried_within_the_deadline()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var closed = $"http://127.0.0.1:{port}{_webhook.Path}";

        var result = await SendAsync(NotifierFor(() => closed), TimeSpan.FromMilliseconds(600));

        Assert.Equal(ActionStatus.Retry, result.Status);
        Assert.Contains("the webhook could not be reached (ConnectionError)", result.Detail, StringComparison.Ordinal);
        Assert.Contains(Lines(), l => l.GetProperty("message").GetString() == "notification retried");
    }

    [Fact]
    public async Task An_error_body_that_echoes_the_url_is_redacted_and_escaped()
    {
        _webhook.AnswerNext(new WebhookAnswer(400, $"bad hook {_webhook.Url} <!channel>\nsecond"));

        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(10));

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("notification refused: webhook refused: HTTP 400 bad hook [redacted] &lt;!channel&gt; second", result.Detail);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        _webhook.AnswerNext(new WebhookAnswer(302, "moved"));

        var result = await SendAsync(Notifier(), TimeSpan.FromSeconds(10));

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("redirects are not followed", result.Detail, StringComparison.Ordinal);
        Assert.Single(_webhook.Posts);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("{\"url\": 42}")]
    [InlineData("{\"url\": \"https://hooks.example.com/services/x\"")]
    [InlineData("http://hooks.example.com/services/T0/B0/plaintext")]
    [InlineData("ftp://hooks.example.com/services/T0/B0/ftp")]
    public async Task A_secret_that_is_no_usable_url_fails_without_showing_it(string secret)
    {
        var result = await SendAsync(NotifierFor(() => secret), TimeSpan.FromSeconds(5));

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.StartsWith("notification refused: webhook refused: the webhook", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.example.com", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("not a url", result.Detail, StringComparison.Ordinal);
        Assert.Empty(_webhook.Posts);
    }

    [Fact]
    public async Task The_json_secret_format_is_read_too()
    {
        var result = await SendAsync(NotifierFor(() => $"{{\"url\": \"{_webhook.Url}\"}}"), TimeSpan.FromSeconds(5));

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Single(_webhook.Posts);
    }

    [Fact]
    public async Task Hostile_notifications_are_posted_escaped_and_bounded()
    {
        var result = await Notifier().SendAsync(Notifications.Hostile(), ["webhook"], DateTimeOffset.UtcNow.AddSeconds(10), CancellationToken.None);
        _results.Add(result);

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        using var body = JsonDocument.Parse(Assert.Single(_webhook.Posts).Body);
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.InRange(text.Length, 1000, SlackMessage.MaxTextLength);
        Assert.DoesNotContain("<!", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unconfigured_channel_fails_without_sending()
    {
        var result = await Notifier().SendAsync(Notifications.Sample(), ["webhook", "sqs"], DateTimeOffset.UtcNow.AddSeconds(10), CancellationToken.None);
        _results.Add(result);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("notification channel sqs not configured (set NOTIFY_WEBHOOK_SECRET_ARN or NOTIFY_QUEUE_URL)", result.Detail);
        Assert.Empty(_webhook.Posts);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_reported_as_an_outcome()
    {
        _webhook.AnswerNext(WebhookAnswer.NoAnswer);
        using var cancel = new CancellationTokenSource();
        var sending = Notifier().SendAsync(Notifications.Sample(), null, DateTimeOffset.UtcNow.AddSeconds(30), cancel.Token);
        await _webhook.WaitForPostsAsync(1).WaitAsync(TimeSpan.FromSeconds(10));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private List<JsonElement> Lines() => _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .ToList();
}
