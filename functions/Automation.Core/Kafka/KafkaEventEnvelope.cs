using System.Text.Json.Serialization;

namespace Automation.Core.Kafka;

/// <summary>
/// The top level of a Lambda Kafka event, as the source-generated context binds it. The envelope's strings are only
/// informational, so a wrong type there reads as null instead of failing the event.
/// </summary>
internal sealed class KafkaEventEnvelope
{
    [JsonPropertyName("eventSource")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? EventSource { get; set; }

    [JsonPropertyName("eventSourceArn")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? EventSourceArn { get; set; }

    [JsonPropertyName("bootstrapServers")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? BootstrapServers { get; set; }

    /// <summary>Null when the event has no <c>records</c> property (or it is JSON null).</summary>
    [JsonPropertyName("records")]
    [JsonConverter(typeof(KafkaRecordsConverter))]
    public KafkaRecordsSection? Records { get; set; }
}
