using Automation.Core.Kafka;

namespace Automation.LogForwarder.Aggregates;

/// <summary>One rule, group and minute of one batch: the matches per partition and offset, first and last seen, samples.</summary>
internal sealed class AggregateBucket(string rule, string group, DateTimeOffset minute)
{
    public string Rule { get; } = rule;

    public string Group { get; } = group;

    public DateTimeOffset Minute { get; } = minute;

    public DateTimeOffset FirstSeen { get; private set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset LastSeen { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Per topic-partition: matches per offset (an OTLP record may match several times), in offset order, and sample messages by offset.</summary>
    public SortedDictionary<string, (SortedDictionary<long, int> Counts, List<(long Offset, string Message)> Samples)> Partitions { get; } = new(StringComparer.Ordinal);

    public long Count { get; private set; }

    /// <summary>The Kafka records that contributed, each once.</summary>
    public IReadOnlyList<KafkaCoordinates> Records => _records;

    private readonly List<KafkaCoordinates> _records = [];

    public void Add(KafkaCoordinates source, DateTimeOffset time, string message, int maxSamples)
    {
        if (!Partitions.TryGetValue(source.TopicPartition, out var partition))
        {
            partition = (new SortedDictionary<long, int>(), []);
            Partitions[source.TopicPartition] = partition;
        }
        if (partition.Counts.TryGetValue(source.Offset, out var n))
        {
            partition.Counts[source.Offset] = n + 1;
        }
        else
        {
            partition.Counts[source.Offset] = 1;
            _records.Add(source);
        }
        if (partition.Samples.Count < maxSamples)
        {
            partition.Samples.Add((source.Offset, message.Length <= AggregateWriter.MaxSampleLength ? message : message[..AggregateWriter.MaxSampleLength]));
        }
        Count++;
        FirstSeen = time < FirstSeen ? time : FirstSeen;
        LastSeen = time > LastSeen ? time : LastSeen;
    }
}
