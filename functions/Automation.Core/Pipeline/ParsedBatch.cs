using Automation.Core.Kafka;
using Automation.Core.Logs;

namespace Automation.Core.Pipeline;

/// <summary>A batch after decoding and parsing: the Kafka records and the log records they yielded, in event order.</summary>
public sealed record ParsedBatch(KafkaBatch Kafka, IReadOnlyList<LogRecord> Logs);
