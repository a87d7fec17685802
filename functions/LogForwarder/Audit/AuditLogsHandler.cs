using System.Text.Json;
using Automation.Core.Aws.CloudWatchLogs;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Settings;
using Automation.Core.Telemetry;
using Automation.LogForwarder.Bulk;
using Automation.LogForwarder.Documents;

namespace Automation.LogForwarder.Audit;

/// <summary>
/// LogForwarderFunction's handler of CloudWatch Logs subscription events (the action functions' log groups, filtered
/// to their audit lines): each audit line becomes one document of the audit index, under the log event's id and sent
/// with <c>create</c>, so a redelivered event stores nothing twice (409 = already stored). Other lines are counted and
/// skipped. Retries and dead letters are the bulk sender's, as for log documents; what is not stored before the
/// deadline fails the invocation, for Lambda to deliver the event again.
/// </summary>
internal sealed class AuditLogsHandler : ILambdaHandler
{
    /// <summary>The answer to an asynchronous invocation: Lambda drops it, so it is the smallest JSON there is.</summary>
    private static readonly byte[] Done = "{}"u8.ToArray();

    private readonly FunctionServices _services;
    private readonly ForwardingSettings _settings;
    private readonly BulkSender? _sender;
    private readonly int _maxInflatedBytes;

    /// <param name="sender">Null in dry-run: documents are built and counted, nothing is sent.</param>
    /// <param name="maxInflatedBytes">The bound on an event's inflated JSON (tests lower it).</param>
    public AuditLogsHandler(FunctionServices services, ForwardingSettings settings, BulkSender? sender, int maxInflatedBytes = CloudWatchLogsDecoder.DefaultMaxInflatedBytes)
    {
        _services = services;
        _settings = settings;
        _sender = sender;
        _maxInflatedBytes = maxInflatedBytes;
    }

    private JsonLog Log => _services.Log;

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        var started = _services.Time.GetTimestamp();
        CloudWatchLogsEvent logs;
        try
        {
            logs = CloudWatchLogsDecoder.Decode(payload.Span, _maxInflatedBytes);
        }
        catch (CloudWatchLogsFormatException e)
        {
            // Not something a retry mends, but failing makes it visible (the function's Errors alarm), where a success would hide it.
            Log.Error("CloudWatch Logs event refused", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteString("reason", e.Message);
                json.WriteNumber("bytes", payload.Length);
            });
            throw;
        }
        if (logs.IsControl)
        {
            Log.Info("CloudWatch Logs control message acknowledged", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteString("logGroup", logs.LogGroup);
            });
            return Done;
        }

        using var items = Build(logs, out var skipped);
        var lines = items.Items.Count;
        if (_sender is null || lines == 0)
        {
            Summary(LogSeverity.Info, _sender is null ? "audit lines planned (dry-run: nothing sent)" : "audit lines indexed", logs, context, lines, skipped, started, report: null);
            return Done;
        }

        var report = await _sender.SendAsync(items, items.Items, (item, result) => DeadLetter(items, item, result, logs), context.Deadline, cancellationToken)
            .ConfigureAwait(false);
        if (report.AuthFailure is { } status)
        {
            Log.Error("OpenSearch refused the function's credentials: audit lines not stored", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteNumber("status", status);
                json.WriteString("host", _sender.Host);
            });
        }
        var unsent = report.Unsent.Count;
        // A line is indexed, or dead-lettered (its letter stored or not), or unsent; dead letters also count in the forwarder's alarm.
        var indexed = lines - report.DeadLettered - report.Unsent.Count(i => i.Kind == BulkItemKind.Audit);
        _services.Metrics.Write(
        [
            MetricValue.Count(MetricNames.AuditLinesIndexed, indexed),
            MetricValue.Count(MetricNames.DocumentsDeadLettered, report.DeadLettered - report.Unsent.Count(i => i.Kind == BulkItemKind.DeadLetter)),
        ]);
        Summary(unsent > 0 || report.DeadLettered > 0 ? LogSeverity.Warn : LogSeverity.Info, "audit lines indexed", logs, context, lines, skipped, started, report);
        if (unsent > 0)
        {
            var error = new AuditLinesUnsentException(unsent, logs.LogGroup);
            Log.Error(error.Message, json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteString("logGroup", logs.LogGroup);
                json.WriteNumber("unsent", unsent);
            });
            throw error;
        }
        return Done;
    }

    /// <summary>One <c>create</c> item per audit line, in the index its time names; <paramref name="skipped"/> counts the other lines.</summary>
    internal BulkItems Build(CloudWatchLogsEvent logs, out int skipped)
    {
        skipped = 0;
        var items = new BulkItems(Math.Max(64 * 1024, logs.LogEvents.Sum(e => e.Message.Length + 256)));
        foreach (var logEvent in logs.LogEvents)
        {
            using var line = AuditDocument.Parse(logEvent.Message);
            if (line is null)
            {
                skipped++;
                continue;
            }
            var time = AuditDocument.TimeOf(line.RootElement, logEvent.Time);
            var message = logEvent.Message;
            // Add writes the source at once, while the parsed line is still open.
            items.Add(BulkItemKind.Audit, "create", _settings.AuditIndex.Resolve(time), logEvent.Id, [], () => message,
                writer => AuditDocument.Write(writer, line.RootElement, time, logs.LogGroup, logs.LogStream));
        }
        return items;
    }

    private BulkItem DeadLetter(BulkItems items, BulkItem item, BulkItemResult result, CloudWatchLogsEvent logs)
    {
        var now = _services.Time.GetUtcNow();
        return items.Add(BulkItemKind.DeadLetter, "index", _settings.DeadLetterIndex.Resolve(now), item.Id, item.Records, raw: null,
            writer => DeadLetterDocument.Write(writer, now, "audit", item, result, item.Raw?.Invoke() ?? "", origin =>
            {
                origin.WriteString("logGroup", logs.LogGroup);
                origin.WriteString("logStream", logs.LogStream);
            }));
    }

    /// <summary>The one line per event: what came in, what was stored, what was not.</summary>
    private void Summary(
        LogSeverity severity, string message, CloudWatchLogsEvent logs, LambdaContext context, int lines, int skipped, long started, BulkSendReport? report)
    {
        Log.Write(severity, message, json =>
        {
            json.WriteString("requestId", context.AwsRequestId);
            json.WriteString("logGroup", logs.LogGroup);
            json.WriteString("logStream", logs.LogStream);
            json.WriteNumber("events", logs.LogEvents.Count);
            json.WriteNumber("auditLines", lines);
            json.WriteNumber("skipped", skipped);
            if (report is not null)
            {
                json.WriteNumber("indexed", lines - report.DeadLettered - report.Unsent.Count(i => i.Kind == BulkItemKind.Audit));
                json.WriteNumber("deadLettered", report.DeadLettered);
                json.WriteNumber("unsent", report.Unsent.Count);
                json.WriteNumber("requests", report.Requests);
                if (report.LastProblem is { } problem)
                {
                    json.WriteString("lastProblem", problem);
                }
            }
            json.WriteString("index", _settings.AuditIndex.Text);
            json.WriteNumber("durationMs", Math.Round(_services.Time.GetElapsedTime(started).TotalMilliseconds, 3));
        });
    }
}
