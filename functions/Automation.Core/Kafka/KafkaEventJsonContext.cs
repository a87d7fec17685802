using System.Text.Json.Serialization;

namespace Automation.Core.Kafka;

/// <summary>Source-generated metadata for the event envelope: no reflection, so it is trim and AOT safe.</summary>
[JsonSerializable(typeof(KafkaEventEnvelope))]
internal sealed partial class KafkaEventJsonContext : JsonSerializerContext;
