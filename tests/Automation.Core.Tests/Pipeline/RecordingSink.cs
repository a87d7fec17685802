using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;

namespace Automation.Core.Tests.Pipeline;

/// <summary>A sink that keeps what it was given and asks for the records chosen by the test to be retried.</summary>
internal sealed class RecordingSink(Func<ParsedBatch, IEnumerable<KafkaCoordinates>>? retry = null) : IBatchSink
{
    public List<ParsedBatch> Batches { get; } = [];

    public Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
    {
        Batches.Add(batch);
        return Task.FromResult(new SinkOutcome((retry?.Invoke(batch) ?? []).ToList()));
    }
}
