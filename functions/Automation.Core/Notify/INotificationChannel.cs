namespace Automation.Core.Notify;

/// <summary>One way to hand a notification to people; the <see cref="Notifier"/> retries around it.</summary>
internal interface INotificationChannel
{
    /// <summary>The channel's name in rules and facts: webhook, sqs.</summary>
    string Name { get; }

    /// <summary>
    /// One attempt. Never throws for the channel's own failures (they are outcomes); a cancelled
    /// <paramref name="cancellationToken"/> (the attempt's timeout or the deadline) is reported as a transient outcome.
    /// </summary>
    Task<ChannelOutcome> AttemptAsync(Notification notification, CancellationToken cancellationToken);
}
