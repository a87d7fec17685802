using Automation.Core.Lambda;

namespace Automation.Core.Pipeline;

/// <summary>
/// The function-specific end of the pipeline: what a function does with a parsed batch (restart, dispatch, forward).
/// It reports the records that must be delivered again; it throws only when the whole batch must be retried.
/// </summary>
public interface IBatchSink
{
    Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken);
}
