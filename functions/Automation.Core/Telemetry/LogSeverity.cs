namespace Automation.Core.Telemetry;

/// <summary>Severity of the product's own log lines (not of the logs it processes).</summary>
public enum LogSeverity
{
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}
