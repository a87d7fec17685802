using Automation.Core.Lambda;

namespace Automation.Core.Pipeline;

/// <summary>A sink that acts on nothing: the functions' action stage until their actions exist. Every record counts as processed.</summary>
public sealed class NoActionSink : IBatchSink
{
    public Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
        => Task.FromResult(SinkOutcome.Completed);
}
