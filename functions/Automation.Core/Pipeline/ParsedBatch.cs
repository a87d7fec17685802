using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Rules;

namespace Automation.Core.Pipeline;

/// <summary>A batch after decoding, parsing and rule evaluation: the Kafka records, the log records they yielded (in event order), and what the rules made of them.</summary>
public sealed record ParsedBatch(KafkaBatch Kafka, IReadOnlyList<LogRecord> Logs, RuleEvaluation Rules);
