using System.Text.Json.Serialization;

namespace Automation.Core.Pipeline;

/// <summary>
/// The Kafka partial batch response. An empty list means the whole batch succeeded. Lambda honours a non-empty list
/// only when the mapping has FunctionResponseTypes [ReportBatchItemFailures].
/// </summary>
public sealed record KafkaBatchResponse([property: JsonPropertyName("batchItemFailures")] IReadOnlyList<BatchItemFailure> BatchItemFailures);
