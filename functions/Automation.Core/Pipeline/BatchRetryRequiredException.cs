namespace Automation.Core.Pipeline;

/// <summary>
/// Records must be delivered again but the event source mapping does not take partial batch responses, so the whole
/// invocation fails and Lambda retries the batch (answering batchItemFailures there would drop those records silently).
/// </summary>
public sealed class BatchRetryRequiredException(int records)
    : Exception($"{records} record(s) must be retried and partial batch responses are off ({Configuration.FunctionSettings.ReportBatchItemFailuresVariable}=false): failing the whole batch so Lambda retries it.")
{
    public int Records { get; } = records;
}
