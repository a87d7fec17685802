using System.Text.Json;
using Automation.Core.Logs;
using Automation.Core.Telemetry;

namespace Automation.Core.Rules.Decisions;

/// <summary>
/// Writes one structured audit line per decision: fired, below threshold, in cooldown, dry-run, and why. Values that
/// came from log records are written as JSON strings and cut to a bounded length, so a hostile line can neither forge
/// fields nor flood the log.
/// </summary>
public static class DecisionAudit
{
    internal const int MaxValueLength = 256;

    /// <summary>The version of the audit lines' schema (docs/audit.md); it changes only when a field changes meaning or goes.</summary>
    public const int Version = 1;

    /// <summary>At most this many triggering records are listed by their coordinates; triggersTotal counts them all.</summary>
    internal const int MaxTriggers = 20;

    /// <param name="logs">The batch's log records, which <see cref="Decision.Records"/> index.</param>
    public static void Write(JsonLog log, Decision decision, IReadOnlyList<LogRecord> logs, string function, string requestId, bool dryRun)
    {
        log.Info("decision", json =>
        {
            json.WriteString("audit", "decision");
            json.WriteNumber("auditVersion", Version);
            json.WriteString("function", function);
            json.WriteString("requestId", requestId);
            json.WriteString("rule", decision.RuleId);
            json.WriteString("outcome", OutcomeName(decision.Outcome));
            json.WriteString("reason", decision.Reason);
            json.WriteString("group", Cut(decision.Group));
            json.WriteNumber("batchMatches", decision.BatchMatches);
            json.WriteNumber("windowCount", decision.WindowCount);
            if (decision.Action is { } action)
            {
                json.WriteString("target", Cut(action.Target));
                WriteAction(json, action);
            }
            json.WriteString("sample", decision.Sample.ToString());
            WriteTriggers(json, decision, logs);
            json.WriteBoolean("dryRun", dryRun);
        });
    }

    /// <summary>The outcome as audit lines and the CLI write it: fired, below_threshold, in_cooldown, dry_run, already_done, in_progress, not_escalated, resolved.</summary>
    public static string OutcomeName(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Fired => "fired",
        DecisionOutcome.BelowThreshold => "below_threshold",
        DecisionOutcome.InCooldown => "in_cooldown",
        DecisionOutcome.AlreadyDone => "already_done",
        DecisionOutcome.InProgress => "in_progress",
        DecisionOutcome.NotEscalated => "not_escalated",
        DecisionOutcome.Resolved => "resolved",
        _ => "dry_run",
    };

    /// <summary>The Kafka coordinates of the group's records, each once, in batch order, at most <see cref="MaxTriggers"/>.</summary>
    private static void WriteTriggers(Utf8JsonWriter json, Decision decision, IReadOnlyList<LogRecord> logs)
    {
        var triggers = decision.Records.Select(i => logs[i].Source).Distinct().ToList();
        json.WriteStartArray("triggers");
        foreach (var trigger in triggers.Take(MaxTriggers))
        {
            json.WriteStringValue(trigger.ToString());
        }
        json.WriteEndArray();
        json.WriteNumber("triggersTotal", triggers.Count);
    }

    /// <summary>The action object of an audit line: type, index and rendered parameters (each cut to a bounded length).</summary>
    internal static void WriteAction(Utf8JsonWriter json, RenderedAction action)
    {
        json.WriteStartObject("action");
        json.WriteString("type", action.Type);
        json.WriteNumber("index", action.Index);
        json.WriteStartObject("parameters");
        foreach (var (name, value) in action.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteString(name, Cut(value));
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    internal static string Cut(string value) => value.Length <= MaxValueLength ? value : string.Concat(value.AsSpan(0, MaxValueLength), "…");
}
