using System.Text.Json;
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

    public static void Write(JsonLog log, Decision decision, string function, string requestId, bool dryRun)
    {
        log.Info("decision", json =>
        {
            json.WriteString("audit", "decision");
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
                WriteAction(json, action);
            }
            json.WriteString("sample", decision.Sample.ToString());
            json.WriteBoolean("dryRun", dryRun);
        });
    }

    /// <summary>The outcome as audit lines and the CLI write it: fired, below_threshold, in_cooldown, dry_run, already_done, in_progress.</summary>
    public static string OutcomeName(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Fired => "fired",
        DecisionOutcome.BelowThreshold => "below_threshold",
        DecisionOutcome.InCooldown => "in_cooldown",
        DecisionOutcome.AlreadyDone => "already_done",
        DecisionOutcome.InProgress => "in_progress",
        _ => "dry_run",
    };

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
