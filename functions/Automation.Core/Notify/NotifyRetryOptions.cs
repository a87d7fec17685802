namespace Automation.Core.Notify;

/// <summary>
/// How a channel's transient failures (throttling, 5xx, timeouts, connection errors) are retried: exponential backoff
/// with jitter, or the channel's Retry-After, always within the deadline <see cref="Notifier.SendAsync"/> is given.
/// </summary>
public sealed record NotifyRetryOptions
{
    public static NotifyRetryOptions Default { get; } = new();

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; init; } = 6;

    /// <summary>The median wait before the first retry; later ones double.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No single backoff wait is longer (a Retry-After is honoured as asked, if it ends before the deadline).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may take before it counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
