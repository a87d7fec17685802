using System.Text.Json.Serialization;

namespace Automation.Core.Pipeline;

/// <summary>Identifies a Kafka record in a partial batch response: "partition" is "topic-partition".</summary>
public sealed record BatchItemIdentifier(
    [property: JsonPropertyName("partition")] string Partition,
    [property: JsonPropertyName("offset")] long Offset);
