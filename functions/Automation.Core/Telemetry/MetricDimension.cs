namespace Automation.Core.Telemetry;

/// <summary>
/// One dimension of an embedded-metric line. Values come from configuration only (rule ids of the rules file, action
/// types, outcome names), never from log lines: every distinct value is a new CloudWatch metric.
/// </summary>
public readonly record struct MetricDimension(string Name, string Value);
