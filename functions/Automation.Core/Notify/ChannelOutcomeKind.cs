namespace Automation.Core.Notify;

/// <summary>How one attempt to hand a notification to a channel ended.</summary>
internal enum ChannelOutcomeKind
{
    /// <summary>The channel took it (2xx, a message id).</summary>
    Accepted,

    /// <summary>The channel refused it for good (a gone webhook, a missing queue, access denied): not retried.</summary>
    Refused,

    /// <summary>It may work later (throttled, 5xx, timeout, connection error): retried within the deadline.</summary>
    Transient,
}
