namespace Automation.Core.State;

/// <summary>
/// How a shared store's calls are retried when DynamoDB throttles or fails transiently: exponential backoff with
/// jitter, within the invocation's deadline (its cancellation token stops the waiting).
/// </summary>
public sealed record StateStoreRetryOptions
{
    /// <summary>Retries after the first attempt: five attempts with the defaults, about 3 s of waiting at most.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The median wait before the first retry; later ones double.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>No single wait is longer.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);
}
