namespace Automation.Core.Telemetry;

/// <summary>One value of an embedded-metric line: its name (one of <see cref="MetricNames"/>), unit and value.</summary>
public readonly record struct MetricValue(string Name, MetricUnit Unit, double Value)
{
    public static MetricValue Count(string name, double value) => new(name, MetricUnit.Count, value);

    public static MetricValue Milliseconds(string name, TimeSpan value) => new(name, MetricUnit.Milliseconds, Math.Round(value.TotalMilliseconds, 3));
}
