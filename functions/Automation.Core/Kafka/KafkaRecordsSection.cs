namespace Automation.Core.Kafka;

/// <summary>What <see cref="KafkaRecordsConverter"/> made of the event's <c>records</c> property.</summary>
/// <param name="IsObject">False when <c>records</c> was present but not a JSON object (the event is then unusable).</param>
internal sealed record KafkaRecordsSection(
    bool IsObject,
    IReadOnlyList<KafkaRecord> Records,
    IReadOnlyList<KafkaDecodeFailure> Failures,
    long ValueBytes)
{
    public static KafkaRecordsSection NotAnObject { get; } = new(false, [], [], 0);
}
