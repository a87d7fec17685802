namespace Automation.Core.Kafka;

/// <summary>A record's place in Kafka. <see cref="TopicPartition"/> is the "partition" of a batch item identifier.</summary>
public readonly record struct KafkaCoordinates(string Topic, int Partition, long Offset)
{
    public string TopicPartition => $"{Topic}-{Partition}";

    public override string ToString() => $"{Topic}-{Partition}@{Offset}";
}
