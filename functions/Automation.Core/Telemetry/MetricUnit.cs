namespace Automation.Core.Telemetry;

/// <summary>The CloudWatch units the functions' metrics use (a subset of MetricDatum's units).</summary>
public enum MetricUnit
{
    Count,
    Milliseconds,
}
