using Automation.Core.Rules.Decisions;
using Automation.Core.Telemetry;

namespace Automation.Core.Actions;

/// <summary>
/// One audit line per executed action (<c>"audit": "action"</c>), after the decision's own line: what ran, how it
/// ended and why, and the facts the executor reported. Failed and retried actions are errors, suppressed ones warnings,
/// so a circuit that opened is loud.
/// </summary>
public static class ActionAudit
{
    /// <param name="recorded">Whether the outcome reached the ledger; null for an action without a ledger entry (a resolved notice).</param>
    public static void Write(JsonLog log, Decision decision, ActionResult result, string function, string requestId, TimeSpan duration, bool? recorded)
    {
        var severity = result.Status switch
        {
            ActionStatus.Succeeded or ActionStatus.Skipped => LogSeverity.Info,
            ActionStatus.Suppressed => LogSeverity.Warn,
            _ => LogSeverity.Error,
        };
        log.Write(severity, "action", json =>
        {
            json.WriteString("audit", "action");
            json.WriteNumber("auditVersion", DecisionAudit.Version);
            json.WriteString("function", function);
            json.WriteString("requestId", requestId);
            json.WriteString("rule", decision.RuleId);
            json.WriteString("outcome", StatusName(result.Status));
            json.WriteString("detail", DecisionAudit.Cut(result.Detail));
            if (decision.Action is { } action)
            {
                json.WriteString("target", DecisionAudit.Cut(action.Target));
                DecisionAudit.WriteAction(json, action);
            }
            if (result.Facts is { Count: > 0 } facts)
            {
                json.WriteStartObject("facts");
                foreach (var (name, value) in facts.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    json.WriteString(name, DecisionAudit.Cut(value));
                }
                json.WriteEndObject();
            }
            json.WriteString("sample", decision.Sample.ToString());
            json.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
            if (recorded is { } written)
            {
                json.WriteBoolean("ledgerRecorded", written);
            }
        });
    }

    /// <summary>succeeded, failed, suppressed, retry, skipped.</summary>
    public static string StatusName(ActionStatus status) => status switch
    {
        ActionStatus.Succeeded => "succeeded",
        ActionStatus.Failed => "failed",
        ActionStatus.Suppressed => "suppressed",
        ActionStatus.Skipped => "skipped",
        _ => "retry",
    };
}
