namespace Automation.RollbackTrigger.GitHub;

/// <summary>How GitHub calls are retried within an invocation.</summary>
/// <param name="RequestTimeout">One HTTP request's limit.</param>
/// <param name="MaxAttempts">Attempts of one call on 5xx and network errors, the first included.</param>
/// <param name="FirstBackoff">The wait after the first 5xx; it doubles with each further one.</param>
/// <param name="Margin">
/// Time kept free before the invocation's deadline for one more request and the ledger write: a wait that would
/// end later is not taken and the records are handed back for retry instead.
/// </param>
internal sealed record GitHubRetryOptions(TimeSpan RequestTimeout, int MaxAttempts, TimeSpan FirstBackoff, TimeSpan Margin)
{
    public static GitHubRetryOptions Default { get; } = new(TimeSpan.FromSeconds(10), 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12));
}
