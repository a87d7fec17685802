namespace Automation.Core.Kafka;

/// <summary>
/// One Kafka record, flattened from the Lambda event at the edge: nothing past the decoder sees base64
/// or the event's signed-byte header arrays.
/// </summary>
/// <param name="Key">Null when the event carries no key (absent or JSON null).</param>
/// <param name="TimestampType">As Kafka names it: CREATE_TIME, LOG_APPEND_TIME, or NO_TIMESTAMP_TYPE.</param>
public sealed record KafkaRecord(
    string Topic,
    int Partition,
    long Offset,
    DateTimeOffset? Timestamp,
    string? TimestampType,
    ReadOnlyMemory<byte>? Key,
    ReadOnlyMemory<byte> Value,
    IReadOnlyList<KafkaHeader> Headers)
{
    /// <summary>Where the record sits in Kafka: the identity used by partial batch responses.</summary>
    public KafkaCoordinates Coordinates => new(Topic, Partition, Offset);
}
