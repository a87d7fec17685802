using System.Text;
using System.Text.Json;

namespace Automation.Core.Telemetry;

/// <summary>
/// The product's own log: one JSON object per line, so CloudWatch Logs Insights can query every field.
/// Lambda sends stdout and stderr to CloudWatch alike; we write to stderr so the CLI can keep stdout for the response.
/// Values that come from processed records are written as JSON strings by Utf8JsonWriter, so a hostile log line
/// cannot forge fields or break the line.
/// </summary>
public sealed class JsonLog
{
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly LogSeverity _minimum;
    private readonly Lock _gate = new();

    public JsonLog(TextWriter output, TimeProvider time, LogSeverity minimum = LogSeverity.Info)
    {
        _output = output;
        _time = time;
        _minimum = minimum;
    }

    public bool IsEnabled(LogSeverity severity) => severity >= _minimum;

    /// <summary>Writes one line: time, level, message, then whatever <paramref name="fields"/> adds.</summary>
    public void Write(LogSeverity severity, string message, Action<Utf8JsonWriter>? fields = null)
    {
        if (!IsEnabled(severity))
        {
            return;
        }

        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", _time.GetUtcNow());
            json.WriteString("level", SeverityName(severity));
            json.WriteString("message", message);
            fields?.Invoke(json);
            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_gate)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    public void Info(string message, Action<Utf8JsonWriter>? fields = null) => Write(LogSeverity.Info, message, fields);

    public void Warn(string message, Action<Utf8JsonWriter>? fields = null) => Write(LogSeverity.Warn, message, fields);

    public void Error(string message, Action<Utf8JsonWriter>? fields = null) => Write(LogSeverity.Error, message, fields);

    private static string SeverityName(LogSeverity severity) => severity switch
    {
        LogSeverity.Debug => "debug",
        LogSeverity.Info => "info",
        LogSeverity.Warn => "warn",
        _ => "error",
    };
}
