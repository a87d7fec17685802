namespace Automation.PodRestarter.Kubernetes;

/// <summary>How Kubernetes API calls are retried (429, 5xx, 409 where a retry can succeed, connection errors).</summary>
/// <param name="FirstDelay">Wait before the second attempt; doubled for each further one, up to <paramref name="MaxDelay"/>.</param>
/// <param name="MaxAttempts">Attempts per call at most, the first included.</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
/// <param name="DeadlineMargin">
/// Time kept free before the invocation's deadline, for the ledger and the response: no attempt starts, and no wait
/// ends, within it.
/// </param>
internal sealed record KubernetesRetryOptions(TimeSpan FirstDelay, TimeSpan MaxDelay, int MaxAttempts, TimeSpan AttemptTimeout, TimeSpan DeadlineMargin)
{
    public static KubernetesRetryOptions Default { get; } =
        new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3), MaxAttempts: 6, AttemptTimeout: TimeSpan.FromSeconds(10), DeadlineMargin: TimeSpan.FromSeconds(2));

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var delay = FirstDelay * Math.Pow(2, attempt - 1);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
