namespace Automation.Core.Aws.CloudWatchLogs;

/// <summary>One log event of a subscription event: one line the function wrote.</summary>
/// <param name="Id">CloudWatch Logs' id of the event: unique, and the same when the subscription event is delivered again.</param>
/// <param name="Timestamp">When it was logged, in milliseconds since the Unix epoch.</param>
/// <param name="Message">The line as written (without its newline).</param>
public sealed record CloudWatchLogEvent(string Id, long Timestamp, string Message)
{
    /// <summary><see cref="Timestamp"/> as a time.</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(Timestamp);
}
