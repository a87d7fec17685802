using System.Text.Json;
using Automation.Core.Configuration;
using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Telemetry;

namespace Automation.Core.Pipeline;

/// <summary>
/// The handler every function runs: decode the Kafka event, parse each record into log records, evaluate the rules
/// (one audit line per decision), hand the batch to the function's sink, answer with a partial batch response. Bad records are counted, logged by identifier and
/// skipped; they never fail the batch.
/// </summary>
public sealed class KafkaBatchHandler : ILambdaHandler
{
    // A batch of 10,000 broken records must not become 10,000 log lines: detail lines are capped, counts are not.
    internal const int MaxDetailLinesPerBatch = 20;

    private readonly FunctionSettings _settings;
    private readonly IBatchSink _sink;
    private readonly LogRecordParser _parser;
    private readonly RuleEngine _rules;
    private readonly JsonLog _log;
    private readonly TimeProvider _time;
    private readonly EmbeddedMetrics _metrics;

    /// <param name="metrics">Where the batch's embedded metrics go; none when not given.</param>
    public KafkaBatchHandler(
        FunctionSettings settings, IBatchSink sink, LogRecordParser parser, RuleEngine rules, JsonLog log, TimeProvider time, EmbeddedMetrics? metrics = null)
    {
        _settings = settings;
        _sink = sink;
        _parser = parser;
        _rules = rules;
        _log = log;
        _time = time;
        _metrics = metrics ?? EmbeddedMetrics.None;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();

        // An event that is not a Kafka event at all has no records to skip: that one fails the invocation.
        var kafka = KafkaEventDecoder.Decode(payload.Span);
        LogDecodeFailures(kafka, context);

        var logs = new List<LogRecord>(kafka.Records.Count);
        var parseFailures = 0;
        var invalidUtf8 = 0;
        foreach (var record in kafka.Records)
        {
            var result = _parser.Parse(record, logs);
            if (result.InvalidUtf8)
            {
                invalidUtf8++;
            }
            if (result.Malformed)
            {
                parseFailures++;
                if (parseFailures <= MaxDetailLinesPerBatch)
                {
                    _log.Warn("record kept as plain text: its value could not be parsed", json =>
                    {
                        json.WriteString("requestId", context.AwsRequestId);
                        json.WriteString("record", record.Coordinates.ToString());
                        json.WriteString("reason", result.Problem);
                    });
                }
            }
        }

        var invocation = new Invocation(context.AwsRequestId, context.Deadline);
        var evaluation = await _rules.EvaluateAsync(logs, invocation, cancellationToken).ConfigureAwait(false);
        var resolved = await ResolveQuietAsync(invocation, cancellationToken).ConfigureAwait(false);
        if (resolved.Count > 0)
        {
            evaluation = evaluation with { Decisions = [.. evaluation.Decisions, .. resolved] };
        }
        foreach (var decision in evaluation.Decisions)
        {
            DecisionAudit.Write(_log, decision, logs, _settings.FunctionName, context.AwsRequestId, _settings.DryRun);
        }

        var outcome = await _sink.ProcessAsync(new ParsedBatch(kafka, logs, evaluation), context, cancellationToken).ConfigureAwait(false);
        // Actions another invocation is still completing for these records: delivered again, to find them done.
        var inProgress = evaluation.Decisions
            .Where(d => d.Outcome == DecisionOutcome.InProgress)
            .SelectMany(d => d.Records.Select(i => logs[i].Source));
        var retry = outcome.Retry.Concat(inProgress).Distinct().OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition).ThenBy(r => r.Offset).ToList();

        var summary = new BatchSummary(
            _settings.FunctionName,
            context.AwsRequestId,
            kafka.Records.Count + kafka.Failures.Count,
            logs.Count,
            kafka.ValueBytes,
            kafka.Failures.Count,
            parseFailures,
            invalidUtf8,
            retry.Count,
            _time.GetElapsedTime(started));
        LogSummary(summary, evaluation);
        WriteMetrics(summary, evaluation);

        if (retry.Count > 0 && !_settings.ReportBatchItemFailures)
        {
            throw new BatchRetryRequiredException(retry.Count);
        }

        var response = new KafkaBatchResponse(
            retry.Select(r => new BatchItemFailure(new BatchItemIdentifier(r.TopicPartition, r.Offset))).ToList());
        return JsonSerializer.SerializeToUtf8Bytes(response, PipelineJsonContext.Default.KafkaBatchResponse);
    }

    /// <summary>
    /// Batches also resolve what went quiet, so recovery needs no schedule while records flow. It is not the batch's own
    /// work: a state store that fails here is logged and left to the scheduled sweep, never fails the batch.
    /// </summary>
    private async Task<IReadOnlyList<Decision>> ResolveQuietAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        try
        {
            return await _rules.ResolveQuietAfterBatchAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            _log.Warn("quiet rules not looked for after this batch: the scheduled sweep will", json =>
            {
                json.WriteString("requestId", invocation.RequestId);
                json.WriteString("error", e.GetType().Name);
            });
            return [];
        }
    }

    private void LogDecodeFailures(KafkaBatch kafka, LambdaContext context)
    {
        foreach (var failure in kafka.Failures.Take(MaxDetailLinesPerBatch))
        {
            _log.Warn("record skipped: it could not be decoded", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteString("record", failure.Identifier);
                json.WriteString("reason", failure.Reason);
            });
        }
    }

    /// <summary>
    /// The batch's metrics: one line by Function, one per rule that matched (Rule: an id from the rules file) and one
    /// per decision outcome that occurred. Counts that are zero for a rule or outcome are left out (graphs fill them).
    /// </summary>
    private void WriteMetrics(BatchSummary summary, RuleEvaluation evaluation)
    {
        _metrics.Write(
        [
            MetricValue.Count(MetricNames.RecordsIn, summary.Records),
            MetricValue.Count(MetricNames.LogRecords, summary.LogRecords),
            MetricValue.Count(MetricNames.DecodeFailures, summary.DecodeFailures),
            MetricValue.Count(MetricNames.ParseFailures, summary.ParseFailures),
            MetricValue.Count(MetricNames.Matches, evaluation.Matches.Total),
            MetricValue.Count(MetricNames.RecordsRetried, summary.Retried),
            MetricValue.Milliseconds(MetricNames.BatchDuration, summary.Duration),
        ]);

        var rules = _rules.Rules.Rules;
        for (var rule = 0; rule < evaluation.Matches.RuleCount && rule < rules.Count; rule++)
        {
            if (evaluation.Matches.RecordsOf(rule).Count is var matches and > 0)
            {
                _metrics.Write([new MetricDimension(MetricNames.Rule, rules[rule].Id)], [MetricValue.Count(MetricNames.Matches, matches)]);
            }
        }

        foreach (var outcome in evaluation.Decisions.GroupBy(d => d.Outcome).OrderBy(g => g.Key))
        {
            _metrics.Write(
                [new MetricDimension(MetricNames.Outcome, DecisionAudit.OutcomeName(outcome.Key))],
                [MetricValue.Count(MetricNames.Decisions, outcome.Count())]);
        }
    }

    private void LogSummary(BatchSummary summary, RuleEvaluation evaluation) => _log.Info("batch processed", json =>
    {
        json.WriteString("function", summary.Function);
        json.WriteString("requestId", summary.RequestId);
        json.WriteNumber("records", summary.Records);
        json.WriteNumber("logRecords", summary.LogRecords);
        json.WriteNumber("bytes", summary.Bytes);
        json.WriteNumber("decodeFailures", summary.DecodeFailures);
        json.WriteNumber("parseFailures", summary.ParseFailures);
        json.WriteNumber("invalidUtf8", summary.InvalidUtf8);
        json.WriteNumber("retried", summary.Retried);
        json.WriteNumber("matches", evaluation.Matches.Total);
        json.WriteStartObject("decisions");
        foreach (var outcome in Enum.GetValues<DecisionOutcome>())
        {
            json.WriteNumber(DecisionAudit.OutcomeName(outcome), evaluation.Decisions.Count(d => d.Outcome == outcome));
        }
        json.WriteEndObject();
        json.WriteNumber("durationMs", Math.Round(summary.Duration.TotalMilliseconds, 3));
        json.WriteBoolean("dryRun", _settings.DryRun);
    });
}
