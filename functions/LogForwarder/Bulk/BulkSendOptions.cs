namespace Automation.LogForwarder.Bulk;

/// <summary>How bulk requests are cut and retried.</summary>
/// <param name="MaxRequestBytes">The largest uncompressed body; a single larger item goes alone.</param>
/// <param name="DeadlineMargin">Stop sending this long before the invocation's deadline, to answer Lambda in time.</param>
/// <param name="RequestTimeout">The longest one request may take (less when the deadline is nearer).</param>
/// <param name="BackoffBase">The first retry waits up to this long; each next one up to twice as long (full jitter).</param>
/// <param name="BackoffCap">No wait is longer than this.</param>
internal sealed record BulkSendOptions(long MaxRequestBytes, TimeSpan DeadlineMargin, TimeSpan RequestTimeout, TimeSpan BackoffBase, TimeSpan BackoffCap)
{
    public static BulkSendOptions Default(long maxRequestBytes) => new(
        maxRequestBytes,
        DeadlineMargin: TimeSpan.FromSeconds(2),
        RequestTimeout: TimeSpan.FromSeconds(30),
        BackoffBase: TimeSpan.FromMilliseconds(200),
        BackoffCap: TimeSpan.FromSeconds(10));
}
