namespace Automation.Core.Kafka;

/// <summary>One Kafka record header. Kafka allows repeated names and arbitrary bytes, so the value stays raw.</summary>
public sealed record KafkaHeader(string Name, ReadOnlyMemory<byte> Value);
