namespace Automation.Core.Aws.CloudWatchLogs;

/// <summary>
/// A CloudWatch Logs subscription event cannot be used as a whole: not JSON, no <c>awslogs.data</c>, not base64, not
/// gzip, larger than the bound once inflated, or not the documented JSON inside. Single log events that are not what a
/// handler wants never raise it. The message is safe to log: it never quotes the event's content.
/// </summary>
public sealed class CloudWatchLogsFormatException : Exception
{
    public CloudWatchLogsFormatException()
        : this("The CloudWatch Logs event is not usable.")
    {
    }

    public CloudWatchLogsFormatException(string message)
        : base(message)
    {
    }

    public CloudWatchLogsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
