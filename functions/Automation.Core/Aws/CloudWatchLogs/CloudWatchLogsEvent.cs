namespace Automation.Core.Aws.CloudWatchLogs;

/// <summary>
/// What a CloudWatch Logs subscription filter delivers to a Lambda function, once <c>awslogs.data</c> is base64-decoded,
/// inflated and parsed: the log group and stream, and the log events that passed the filter.
/// </summary>
/// <param name="MessageType"><see cref="DataMessage"/>, or <see cref="ControlMessage"/> when CloudWatch Logs only checks that the destination is reachable.</param>
/// <param name="Owner">The account id of the log group.</param>
/// <param name="SubscriptionFilters">The names of the filters that matched.</param>
public sealed record CloudWatchLogsEvent(
    string MessageType,
    string Owner,
    string LogGroup,
    string LogStream,
    IReadOnlyList<string> SubscriptionFilters,
    IReadOnlyList<CloudWatchLogEvent> LogEvents)
{
    public const string DataMessage = "DATA_MESSAGE";
    public const string ControlMessage = "CONTROL_MESSAGE";

    /// <summary>True for a reachability check, whose log events are no one's log lines.</summary>
    public bool IsControl => MessageType == ControlMessage;
}
