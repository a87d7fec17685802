namespace Automation.Core.Logs;

/// <summary>How a Kafka value was read.</summary>
public enum LogFormat
{
    /// <summary>A plain text line (also a value that looked like JSON but was not).</summary>
    Text,

    /// <summary>A JSON object: Fluent Bit's kubernetes filter output or an application's own JSON line.</summary>
    Json,

    /// <summary>One log record of an OTLP JSON export (the OpenTelemetry Collector's <c>otlp_json</c> encoding).</summary>
    Otlp,
}
