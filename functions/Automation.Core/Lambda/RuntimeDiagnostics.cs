using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Automation.Core.Lambda;

/// <summary>
/// Writes the runtime's own diagnostic lines (init failure, handler failure, Runtime API trouble) as one JSON object
/// per line, so CloudWatch Logs Insights can filter them. Only exception type and message are written, never a stack.
/// </summary>
internal sealed class RuntimeDiagnostics(TextWriter writer)
{
    private readonly Lock _gate = new();

    public void Error(string message, Exception? exception = null, string? requestId = null) =>
        Write("error", message, exception, requestId, retryIn: null);

    public void Warning(string message, Exception? exception = null, string? requestId = null, TimeSpan? retryIn = null) =>
        Write("warn", message, exception, requestId, retryIn);

    private void Write(string level, string message, Exception? exception, string? requestId, TimeSpan? retryIn)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("level", level);
            json.WriteString("message", message);
            if (exception is not null)
            {
                json.WriteString("errorType", exception.GetType().Name);
                json.WriteString("errorMessage", exception.Message);
            }
            if (requestId is not null)
            {
                json.WriteString("requestId", requestId);
            }
            if (retryIn is { } delay)
            {
                json.WriteNumber("retryInMs", (long)delay.TotalMilliseconds);
            }
            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.WrittenSpan);
        // One WriteLine per record under a lock: lines from different threads never interleave.
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
