using System.Text;
using System.Text.Json;
using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Settings;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.LogForwarder.Aggregates;
using Automation.LogForwarder.Bulk;
using Automation.LogForwarder.Documents;

namespace Automation.LogForwarder;

/// <summary>
/// LogForwarderFunction's action stage, for the whole batch at once: every forwarded record becomes one document with a
/// deterministic id, every rule/group/minute one aggregate update, all sent as _bulk requests by
/// <see cref="BulkSender"/>. Records whose items are not stored (nor dead-lettered) before the deadline go back as
/// batchItemFailures. Each fired <c>forward</c> decision's outcome is recorded in the ledger: succeeded when all its
/// records were delivered, else released, so the redelivered batch records it.
/// </summary>
internal sealed class ForwardSink : IBatchSink
{
    private readonly FunctionServices _services;
    private readonly ForwardingSettings _settings;
    private readonly IReadOnlyList<Rule> _rules;
    private readonly BulkSender? _sender;

    /// <param name="sender">Null in dry-run: documents are built and counted, nothing is sent.</param>
    public ForwardSink(FunctionServices services, ForwardingSettings settings, IReadOnlyList<Rule> rules, BulkSender? sender)
    {
        _services = services;
        _settings = settings;
        _rules = rules;
        _sender = sender;
    }

    public async Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
    {
        var started = _services.Time.GetTimestamp();
        using var items = Build(batch, out var documents, out var aggregates);

        if (_sender is null)
        {
            _services.Log.Info("forward planned (dry-run: nothing sent)", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteNumber("documents", documents);
                json.WriteNumber("aggregates", aggregates);
                json.WriteNumber("bytes", items.Bytes);
                json.WriteNumber("requests", _settings.BulkMaxBytes > 0 ? (int)Math.Ceiling(items.Bytes / (double)_settings.BulkMaxBytes) : 0);
            });
            return SinkOutcome.Completed;
        }

        var documentLetters = new List<BulkItem>();
        var report = await _sender.SendAsync(items, items.Items, (item, result) =>
            {
                var letter = DeadLetter(items, item, result);
                if (item.Kind == BulkItemKind.Document)
                {
                    documentLetters.Add(letter);
                }
                return letter;
            }, context.Deadline, cancellationToken)
            .ConfigureAwait(false);
        WriteMetrics(documents, report, documentLetters);
        var unsent = report.Unsent.SelectMany(i => i.Records).ToHashSet();
        await RecordDecisionsAsync(batch, context, unsent, cancellationToken).ConfigureAwait(false);

        if (report.AuthFailure is { } status)
        {
            // Loud and once: this needs a person (role policy, domain access policy, secret), not another retry now.
            _services.Log.Error("OpenSearch refused the function's credentials: records handed back without retrying", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteNumber("status", status);
                json.WriteString("host", _sender.Host);
                json.WriteNumber("retriedRecords", unsent.Count);
            });
        }

        var severity = unsent.Count > 0 || report.DeadLettered > 0 ? LogSeverity.Warn : LogSeverity.Info;
        _services.Log.Write(severity, "forwarded", json =>
        {
            json.WriteString("requestId", context.AwsRequestId);
            json.WriteNumber("documents", documents);
            json.WriteNumber("aggregates", aggregates);
            json.WriteNumber("deadLettered", report.DeadLettered);
            json.WriteNumber("unsentItems", report.Unsent.Count);
            json.WriteNumber("retriedRecords", unsent.Count);
            json.WriteNumber("requests", report.Requests);
            json.WriteNumber("rounds", report.Rounds);
            json.WriteNumber("bytes", report.BytesUncompressed);
            json.WriteNumber("bytesSent", report.BytesSent);
            if (report.LastProblem is { } problem)
            {
                json.WriteString("lastProblem", problem);
            }
            json.WriteNumber("durationMs", Math.Round(_services.Time.GetElapsedTime(started).TotalMilliseconds, 3));
        });
        return unsent.Count == 0 ? SinkOutcome.Completed : new SinkOutcome([.. unsent]);
    }

    /// <summary>
    /// Documents stored in their index, and documents OpenSearch refused for good whose dead letter was stored. A
    /// document neither (sent again, or its dead letter refused too) is in neither count: its records are retried.
    /// </summary>
    private void WriteMetrics(int documents, BulkSendReport report, List<BulkItem> documentLetters)
    {
        var unsent = report.Unsent.ToHashSet();
        var unsentDocuments = report.Unsent.Count(i => i.Kind == BulkItemKind.Document);
        _services.Metrics.Write(
        [
            MetricValue.Count(MetricNames.DocumentsIndexed, documents - documentLetters.Count - unsentDocuments),
            MetricValue.Count(MetricNames.DocumentsDeadLettered, documentLetters.Count(letter => !unsent.Contains(letter))),
        ]);
    }

    /// <summary>The batch's items: its documents, then its aggregate updates. The caller disposes them.</summary>
    internal BulkItems Build(ParsedBatch batch, out int documents, out int aggregates)
    {
        var items = new BulkItems(Math.Max(64 * 1024, (int)Math.Min(int.MaxValue / 2, batch.Kafka.ValueBytes * 3 / 2)));
        documents = AddDocuments(batch, items);
        aggregates = 0;
        if (_settings.Aggregates)
        {
            foreach (var bucket in AggregateWriter.Collect(batch.Rules.Decisions, batch.Logs, _settings.Samples))
            {
                items.Add(BulkItemKind.Aggregate, "update", _settings.AggregatesIndex.Resolve(bucket.Minute), AggregateWriter.Id(bucket),
                    bucket.Records, raw: null, writer => AggregateWriter.WriteUpdate(writer, bucket, _settings.Samples));
                aggregates++;
            }
        }
        return items;
    }

    /// <summary>One document per forwarded log record and target index; returns how many.</summary>
    private int AddDocuments(ParsedBatch batch, BulkItems items)
    {
        var logs = batch.Logs;
        var matched = MatchedRules(batch);
        var targets = Targets(batch);
        var dataStream = _settings.DataStream;
        var kafka = new Dictionary<KafkaCoordinates, KafkaRecord>(batch.Kafka.Records.Count);
        foreach (var record in batch.Kafka.Records)
        {
            kafka.TryAdd(record.Coordinates, record);
        }
        var patterns = new Dictionary<string, IndexPattern?>(StringComparer.Ordinal);
        var count = 0;
        var ordinal = 0;
        for (var i = 0; i < logs.Count; i++)
        {
            var log = logs[i];
            var record = kafka.GetValueOrDefault(log.Source);
            // The log records of one Kafka record are consecutive: number them when there are several.
            ordinal = i > 0 && logs[i - 1].Source == log.Source ? ordinal + 1 : 0;
            var several = ordinal > 0 || (i + 1 < logs.Count && logs[i + 1].Source == log.Source);
            var id = LogDocument.Id(log.Source, ordinal, several);
            var rules = matched[i];
            Func<string> raw = () => record is null ? log.Message : Encoding.UTF8.GetString(record.Value.Span);

            foreach (var target in targets[i] ?? [])
            {
                var (operation, index) = target is null
                    ? dataStream is not null ? ("create", dataStream) : ("index", _settings.Index!.Resolve(log.Timestamp))
                    : ("index", ResolveNamed(target, log.Timestamp, patterns));
                try
                {
                    items.Add(BulkItemKind.Document, operation, index, id, [log.Source], raw, writer => LogDocument.Write(writer, log, rules));
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException)
                {
                    // A record the writer cannot copy (not expected: values are validated when parsed) still gets its
                    // document, with what is known for certain; it never fails the batch.
                    items.Add(BulkItemKind.Document, operation, index, id, [log.Source], raw, writer => LogDocument.WriteMinimal(writer, log, rules, e.GetType().Name));
                }
                count++;
            }
        }
        return count;
    }

    /// <summary>Per log record, the ids of the rules that matched it (null for none).</summary>
    private List<string>?[] MatchedRules(ParsedBatch batch)
    {
        var matched = new List<string>?[batch.Logs.Count];
        var matches = batch.Rules.Matches;
        for (var rule = 0; rule < matches.RuleCount && rule < _rules.Count; rule++)
        {
            foreach (var index in matches.RecordsOf(rule))
            {
                (matched[index] ??= []).Add(_rules[rule].Id);
            }
        }
        return matched;
    }

    /// <summary>
    /// Per log record, where it goes: the index names its forward actions rendered (null in the list = the default
    /// index or data stream), else the default when every record is forwarded; null when it is not forwarded (also when
    /// a drop rule matched it). Forward decisions below their threshold select nothing.
    /// </summary>
    private List<string?>?[] Targets(ParsedBatch batch)
    {
        var targets = new List<string?>?[batch.Logs.Count];
        foreach (var decision in batch.Rules.Decisions)
        {
            if (decision is not { Action.Type: ActionCatalog.Forward } || decision.Outcome == DecisionOutcome.BelowThreshold)
            {
                continue;
            }
            var name = decision.Action.Parameters.TryGetValue("index", out var index) && !string.IsNullOrWhiteSpace(index) ? index : null;
            foreach (var record in decision.Records)
            {
                var list = targets[record] ??= [];
                if (!list.Contains(name))
                {
                    list.Add(name);
                }
            }
        }
        if (_settings.AllRecords)
        {
            for (var i = 0; i < targets.Length; i++)
            {
                targets[i] ??= [null];
            }
        }
        for (var rule = 0; rule < _rules.Count && rule < batch.Rules.Matches.RuleCount; rule++)
        {
            if (_settings.Drop.Contains(_rules[rule].Id))
            {
                foreach (var record in batch.Rules.Matches.RecordsOf(rule))
                {
                    targets[record] = null;
                }
            }
        }
        return targets;
    }

    /// <summary>
    /// A forward action's index: a pattern with the record's date filled in. A name the template rendered into
    /// something invalid is sent as written: OpenSearch refuses it and the dead letter keeps the record.
    /// </summary>
    private static string ResolveNamed(string name, DateTimeOffset time, Dictionary<string, IndexPattern?> patterns)
    {
        if (!patterns.TryGetValue(name, out var pattern))
        {
            pattern = IndexPattern.TryParse(name, out var parsed, out _) ? parsed : null;
            patterns[name] = pattern;
        }
        return pattern?.Resolve(time) ?? name;
    }

    /// <summary>The dead letter of an item OpenSearch refused for good: the raw text as a string, the error, where it was going.</summary>
    private BulkItem DeadLetter(BulkItems items, BulkItem item, BulkItemResult result)
    {
        var raw = item.Raw?.Invoke() ?? SourceLine(items, item);
        var now = _services.Time.GetUtcNow();
        var kind = item.Kind == BulkItemKind.Aggregate ? "aggregate" : "document";
        return items.Add(BulkItemKind.DeadLetter, "index", _settings.DeadLetterIndex.Resolve(now), item.Id, item.Records, raw: null,
            writer => DeadLetterDocument.Write(writer, now, kind, item, result, raw, item.Records.Count == 0 ? null : origin =>
            {
                var first = item.Records[0];
                origin.WriteStartObject("kafka");
                origin.WriteString("topic", first.Topic);
                origin.WriteNumber("partition", first.Partition);
                origin.WriteNumber("offset", first.Offset);
                origin.WriteEndObject();
            }));
    }

    private static string SourceLine(BulkItems items, BulkItem item)
    {
        var slice = items.Slice(item);
        var newline = slice.IndexOf((byte)'\n');
        return Encoding.UTF8.GetString(slice[(newline + 1)..^1]);
    }

    private async Task RecordDecisionsAsync(ParsedBatch batch, LambdaContext context, HashSet<KafkaCoordinates> unsent, CancellationToken cancellationToken)
    {
        foreach (var decision in batch.Rules.Decisions)
        {
            if (decision is not { Outcome: DecisionOutcome.Fired, Action.Type: ActionCatalog.Forward, LedgerKey: not null })
            {
                continue;
            }
            var missing = decision.Records.Count(i => unsent.Contains(batch.Logs[i].Source));
            var (state, detail, release) = missing == 0
                ? (LedgerState.Succeeded, $"forwarded {decision.Records.Count} records", false)
                : (LedgerState.Failed, $"{missing} of {decision.Records.Count} records not delivered before the deadline: delivered again", true);
            try
            {
                await _services.Ledger.RecordAsync(decision, context.AwsRequestId, state, detail, release, links: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The documents are stored either way; an unrecorded claim waits out its lease and is taken over.
                _services.Log.Error("forward outcome not recorded in the ledger", json =>
                {
                    json.WriteString("requestId", context.AwsRequestId);
                    json.WriteString("rule", decision.RuleId);
                    json.WriteString("error", e.GetType().Name);
                });
            }
        }
    }
}
