using Automation.Core.Telemetry;

namespace Automation.Core.Lambda;

/// <summary>
/// The runtime's own diagnostic lines (init failure, handler failure, Runtime API trouble), written to the product's
/// JSON log. Only exception type and message are written, never a stack: stacks can carry data.
/// </summary>
internal sealed class RuntimeDiagnostics(JsonLog log)
{
    public void Error(string message, Exception? exception = null, string? requestId = null) =>
        Write(LogSeverity.Error, message, exception, requestId, retryIn: null);

    public void Warning(string message, Exception? exception = null, string? requestId = null, TimeSpan? retryIn = null) =>
        Write(LogSeverity.Warn, message, exception, requestId, retryIn);

    private void Write(LogSeverity severity, string message, Exception? exception, string? requestId, TimeSpan? retryIn) =>
        log.Write(severity, message, json =>
        {
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
        });
}
