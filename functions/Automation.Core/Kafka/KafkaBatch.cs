namespace Automation.Core.Kafka;

/// <summary>A decoded Lambda Kafka event: the good records in event order, and the ones that could not be decoded.</summary>
/// <param name="EventSource">aws:kafka (MSK), aws:SelfManagedKafka or SelfManagedKafka.</param>
/// <param name="EventSourceArn">The MSK cluster ARN; null for self-managed Kafka.</param>
/// <param name="ValueBytes">Sum of the decoded record values, in bytes.</param>
public sealed record KafkaBatch(
    string? EventSource,
    string? EventSourceArn,
    string? BootstrapServers,
    IReadOnlyList<KafkaRecord> Records,
    IReadOnlyList<KafkaDecodeFailure> Failures,
    long ValueBytes);
