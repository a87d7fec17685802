namespace Automation.LogForwarder.Audit;

/// <summary>
/// Audit lines of a CloudWatch Logs event were neither stored nor dead-lettered before the deadline: the invocation
/// fails, so Lambda invokes the function with the same event again (twice, for an asynchronous invocation). Lines
/// stored already are not stored twice: their ids are CloudWatch's event ids and they are sent with create.
/// </summary>
internal sealed class AuditLinesUnsentException(int lines, string logGroup)
    : Exception($"{lines} audit line(s) of {logGroup} not stored in OpenSearch before the deadline: failing the invocation so Lambda delivers the event again.")
{
    public int Lines { get; } = lines;

    public string LogGroup { get; } = logGroup;
}
