namespace Automation.Core.Telemetry;

/// <summary>
/// The names of every metric and dimension the functions emit (docs/metrics.md describes them; template.yaml's alarms
/// and dashboard graph them).
/// </summary>
public static class MetricNames
{
    // Dimensions. Function is on every metric.
    public const string Function = "Function";
    public const string Rule = "Rule";
    public const string Outcome = "Outcome";
    public const string ActionType = "ActionType";

    // Per batch, by Function (KafkaBatchHandler).
    public const string RecordsIn = "RecordsIn";
    public const string LogRecords = "LogRecords";
    public const string DecodeFailures = "DecodeFailures";
    public const string ParseFailures = "ParseFailures";
    public const string Matches = "Matches";
    public const string RecordsRetried = "RecordsRetried";
    public const string BatchDuration = "BatchDuration";

    // Per batch, by Function and Outcome (decisions) or Function and Rule (Matches).
    public const string Decisions = "Decisions";

    // Per action, by Function, ActionType and Outcome, and by Function and Outcome (ActionSink).
    public const string Actions = "Actions";
    public const string ActionLatency = "ActionLatency";

    // Per batch, by Function (LogForwarderFunction's sink).
    public const string DocumentsIndexed = "DocumentsIndexed";
    public const string DocumentsDeadLettered = "DocumentsDeadLettered";

    // Per CloudWatch Logs event, by Function (LogForwarderFunction's audit handler; DocumentsDeadLettered too).
    public const string AuditLinesIndexed = "AuditLinesIndexed";
}
