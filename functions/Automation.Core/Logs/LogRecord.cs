using Automation.Core.Kafka;

namespace Automation.Core.Logs;

/// <summary>
/// One log line, however it travelled: a Kafka record yields one of these (Fluent Bit, application JSON, plain text)
/// or several (an OTLP export). Built by <see cref="LogRecordParser"/>; docs/logs.md has the precedence rules.
/// </summary>
/// <param name="Source">The Kafka record it came from; every record of an OTLP export keeps the same coordinates.</param>
/// <param name="Timestamp">When it was logged, else the Kafka timestamp, else <see cref="DateTimeOffset.UnixEpoch"/>.</param>
/// <param name="TimestampSource">Which of those <see cref="Timestamp"/> is.</param>
/// <param name="Message">The text of the line, trailing CR/LF removed.</param>
/// <param name="Level">Normalised lower case: trace, debug, info, warn, error, fatal, or the record's own word.</param>
/// <param name="Stream">stdout or stderr when the source says so.</param>
/// <param name="Kubernetes">The pod, when known up front (OTLP); null lets a JSON record read its own on first use.</param>
/// <param name="Fields">Any field of the record by path, for example <c>kubernetes.labels["app.kubernetes.io/name"]</c>.</param>
/// <param name="Format">How the value was read: plain text, JSON, or OTLP.</param>
public sealed record LogRecord(
    KafkaCoordinates Source,
    DateTimeOffset Timestamp,
    LogTimestampSource TimestampSource,
    string Message,
    string? Level,
    string? Stream,
    KubernetesMetadata? Kubernetes,
    LogFields Fields,
    LogFormat Format)
{
    /// <summary>
    /// The pod, when the record carries Kubernetes metadata. A JSON record's is read from its <c>kubernetes</c>
    /// object on first access: most records are never acted on, so their labels and annotations are never built.
    /// </summary>
    public KubernetesMetadata? Kubernetes { get => field ?? Fields.Kubernetes; } = Kubernetes;
}
