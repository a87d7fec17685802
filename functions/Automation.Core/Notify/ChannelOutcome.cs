namespace Automation.Core.Notify;

/// <summary>What one attempt on one channel came to.</summary>
/// <param name="Detail">For people and the audit line: the status and the service's error text, never a secret.</param>
/// <param name="Status">The HTTP status or AWS error code, when there was one.</param>
/// <param name="RetryAfter">How long the channel asked us to wait (HTTP 429 Retry-After).</param>
/// <param name="MessageId">The id the channel gave the message (SQS).</param>
internal sealed record ChannelOutcome(ChannelOutcomeKind Kind, string Detail, string? Status = null, TimeSpan? RetryAfter = null, string? MessageId = null)
{
    public static ChannelOutcome Accepted(string detail, string? status = null, string? messageId = null) =>
        new(ChannelOutcomeKind.Accepted, detail, status, MessageId: messageId);

    public static ChannelOutcome Refused(string detail, string? status = null) => new(ChannelOutcomeKind.Refused, detail, status);

    public static ChannelOutcome Transient(string detail, string? status = null, TimeSpan? retryAfter = null) =>
        new(ChannelOutcomeKind.Transient, detail, status, retryAfter);
}
