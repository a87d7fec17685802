namespace Automation.Testing.Webhooks;

/// <summary>How <see cref="FakeWebhook"/> answers one post: a status and body as Slack gives them, or no answer at all.</summary>
/// <param name="RetryAfter">The Retry-After header's value, when set.</param>
/// <param name="Hang">Never answer (until the client gives up or the fake stops).</param>
public sealed record WebhookAnswer(int Status, string Body, string? RetryAfter = null, bool Hang = false)
{
    public static WebhookAnswer Ok { get; } = new(200, "ok");

    public static WebhookAnswer ServerError { get; } = new(500, "rollup_error");

    public static WebhookAnswer InvalidPayload { get; } = new(400, "invalid_payload");

    public static WebhookAnswer ActionProhibited { get; } = new(403, "action_prohibited");

    public static WebhookAnswer NoService { get; } = new(404, "no_service");

    public static WebhookAnswer ChannelIsArchived { get; } = new(410, "channel_is_archived");

    public static WebhookAnswer NoAnswer { get; } = new(0, "", Hang: true);

    /// <summary>429 with Retry-After in seconds, as Slack rate-limits a webhook.</summary>
    public static WebhookAnswer RateLimited(int seconds) => new(429, "rate_limited", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
