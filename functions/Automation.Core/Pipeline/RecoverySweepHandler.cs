using System.Buffers;
using System.Text.Json;
using Automation.Core.Configuration;
using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Matching;
using Automation.Core.Telemetry;

namespace Automation.Core.Pipeline;

/// <summary>
/// A scheduled invocation (EventBridge, template.yaml's RecoverySweep): resolves the incidents that went quiet even
/// while no record arrives — a silent stream is what recovery looks like — then audits each resolved decision and hands
/// them to the function's sink, which notifies. Batches resolve too; this covers the silence between them.
/// </summary>
internal sealed class RecoverySweepHandler : ILambdaHandler
{
    private readonly FunctionSettings _settings;
    private readonly IBatchSink _sink;
    private readonly RuleEngine _rules;
    private readonly JsonLog _log;
    private readonly TimeProvider _time;
    private readonly EmbeddedMetrics _metrics;

    public RecoverySweepHandler(FunctionSettings settings, IBatchSink sink, RuleEngine rules, JsonLog log, TimeProvider time, EmbeddedMetrics? metrics = null)
    {
        _settings = settings;
        _sink = sink;
        _rules = rules;
        _log = log;
        _time = time;
        _metrics = metrics ?? EmbeddedMetrics.None;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var resolved = await _rules.ResolveQuietAsync(new Invocation(context.AwsRequestId, context.Deadline), cancellationToken).ConfigureAwait(false);
        foreach (var decision in resolved)
        {
            DecisionAudit.Write(_log, decision, [], _settings.FunctionName, context.AwsRequestId, _settings.DryRun);
        }

        var none = new KafkaBatch(EventSource: null, EventSourceArn: null, BootstrapServers: null, [], [], ValueBytes: 0);
        var evaluation = new RuleEvaluation(new BatchMatches(_rules.Rules.Rules.Count), resolved);
        await _sink.ProcessAsync(new ParsedBatch(none, [], evaluation), context, cancellationToken).ConfigureAwait(false);

        var duration = _time.GetElapsedTime(started);
        _log.Info("recovery sweep", json =>
        {
            json.WriteString("function", _settings.FunctionName);
            json.WriteString("requestId", context.AwsRequestId);
            json.WriteNumber("resolved", resolved.Count);
            json.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
        });
        if (resolved.Count > 0)
        {
            _metrics.Write(
                [new MetricDimension(MetricNames.Outcome, DecisionAudit.OutcomeName(DecisionOutcome.Resolved))],
                [MetricValue.Count(MetricNames.Decisions, resolved.Count)]);
        }

        var response = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(response))
        {
            json.WriteStartObject();
            json.WriteNumber("resolved", resolved.Count);
            json.WriteEndObject();
        }
        return response.WrittenSpan.ToArray();
    }
}
