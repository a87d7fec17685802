using Automation.Core.Kafka;

namespace Automation.Core.Pipeline;

/// <summary>What a sink did with a batch: the records it could not finish and wants Lambda to deliver again.</summary>
public sealed record SinkOutcome(IReadOnlyList<KafkaCoordinates> Retry)
{
    public static SinkOutcome Completed { get; } = new([]);
}
