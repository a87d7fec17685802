using Automation.Core.Notify;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Decisions;
using Automation.Core.State;

namespace Automation.Core.Actions;

/// <summary>
/// What a notify action says, worked out from the rule's other actions in the same invocation (or, for a batch
/// delivered again, from what the ledger recorded of them): which of them its <c>on</c> asks about, the event, the
/// message. docs/rules.md "Notify" is the contract.
/// </summary>
internal static class ActionNotifications
{
    /// <summary>How one of the rule's actions ended, as a notification reports it.</summary>
    internal sealed record Report(NotificationEvent Event, NotifiedAction Action);

    public static Report FromResult(Decision decision, ActionResult result) => new(
        result.Status switch
        {
            ActionStatus.Succeeded => NotificationEvent.Fired,
            ActionStatus.Suppressed or ActionStatus.Skipped => NotificationEvent.Suppressed,
            _ => NotificationEvent.Failed,
        },
        new NotifiedAction(decision.Action!.Type, decision.Action.Target, ActionAudit.StatusName(result.Status), result.Detail, Links(result.Facts)));

    /// <summary>An action a redelivered batch found already done: its outcome as the ledger recorded it.</summary>
    public static Report FromLedger(Decision decision, LedgerEntry holder) => new(
        holder.State switch
        {
            LedgerState.Succeeded => NotificationEvent.Fired,
            LedgerState.Failed => NotificationEvent.Failed,
            _ => NotificationEvent.Suppressed,
        },
        new NotifiedAction(decision.Action!.Type, decision.Action.Target, LedgerStates.Name(holder.State), holder.Detail ?? "",
            holder.Links ?? new Dictionary<string, string>()));

    /// <summary>The events a notify action is sent on (its <c>on</c>; all by default).</summary>
    public static IReadOnlySet<string> Events(IReadOnlyDictionary<string, string> parameters) =>
        (parameters.TryGetValue("on", out var on) ? on.Split(',') : ActionCatalog.NotifyEvents).ToHashSet(StringComparer.Ordinal);

    /// <summary>The channels a notify action names (its <c>to</c>); null for every configured one.</summary>
    public static IReadOnlyCollection<string>? Channels(IReadOnlyDictionary<string, string> parameters) =>
        parameters.TryGetValue("to", out var to) ? to.Split(',') : null;

    public static string EventName(NotificationEvent value) => ActionCatalog.NotifyEvents[(int)value];

    /// <summary>
    /// The event of a notify decision and the reports it carries, or why there is nothing to say. Without reports, a
    /// rule that restarts or rolls back did not act in this invocation (in cooldown, retried); a rule that only
    /// notifies fired. With reports, the event is the worst of those <c>on</c> asks about (failed, suppressed, fired);
    /// the message carries them all.
    /// </summary>
    public static (NotificationEvent Event, string? NothingToSay) Choose(Rule rule, IReadOnlySet<string> on, IReadOnlyList<Report> reports)
    {
        if (reports.Count == 0)
        {
            var acts = rule.Actions.Any(a => a.Type is not ActionCatalog.Notify and not ActionCatalog.Forward);
            if (acts)
            {
                return (NotificationEvent.Fired, "nothing to notify: the rule's other actions did not run in this invocation");
            }
            return on.Contains(EventName(NotificationEvent.Fired))
                ? (NotificationEvent.Fired, null)
                : (NotificationEvent.Fired, $"nothing to notify: the rule fired, and on lists {string.Join(", ", on)}");
        }
        var asked = reports.Where(r => on.Contains(EventName(r.Event))).ToList();
        if (asked.Count == 0)
        {
            return (NotificationEvent.Fired,
                $"nothing to notify: the actions ended {string.Join(", ", reports.Select(r => r.Action.Outcome))}, and on lists {string.Join(", ", on)}");
        }
        var worst = asked.Any(r => r.Event == NotificationEvent.Failed) ? NotificationEvent.Failed
            : asked.Any(r => r.Event == NotificationEvent.Suppressed) ? NotificationEvent.Suppressed
            : NotificationEvent.Fired;
        return (worst, null);
    }

    /// <summary>The notification of a fired notify decision.</summary>
    public static Notification ForFiring(Decision decision, Rule rule, NotificationEvent value, IReadOnlyList<Report> reports, ParsedBatch batch, FunctionServices services, string requestId)
    {
        var summary = decision.Action!.Parameters.TryGetValue("text", out var text) && text.Length > 0
            ? text
            : $"{rule.Id} {EventName(value)}: {FirstClause(decision.Reason)}";
        return new Notification(
            $"{decision.LedgerKey}|{decision.Sample}",
            services.Settings.FunctionName,
            requestId,
            rule.Id,
            rule.Description,
            value,
            decision.Group,
            summary,
            reports.Select(r => r.Action).ToList(),
            decision.Records.Select(i => batch.Logs[i].Source.ToString()).Distinct().ToList(),
            services.Time.GetUtcNow());
    }

    /// <summary>The notification of a resolved decision: no record to render a template from, so the default text.</summary>
    public static Notification ForResolved(Decision decision, Rule rule, int actionIndex, FunctionServices services, string requestId) => new(
        $"resolved|{rule.Id}|{actionIndex}|{decision.Group}|{decision.Sample}",
        services.Settings.FunctionName,
        requestId,
        rule.Id,
        rule.Description,
        NotificationEvent.Resolved,
        decision.Group,
        $"{rule.Id} resolved: {decision.Reason}",
        [],
        [decision.Sample.ToString()],
        services.Time.GetUtcNow());

    /// <summary>
    /// The facts that are pages people open, and the label a notification shows each with (docs/notify.md): a
    /// dispatched workflow run's page. Other URL facts are for the audit only: a run's runUrl is the API's JSON.
    /// </summary>
    private static readonly (string Fact, string Label)[] LinkFacts = [("htmlUrl", "run")];

    /// <summary>The links among the facts: absolute http(s) URLs only; the notifier keeps the safe ones.</summary>
    public static Dictionary<string, string> Links(IReadOnlyDictionary<string, string>? facts)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (fact, label) in LinkFacts)
        {
            if (facts?.GetValueOrDefault(fact) is { } value
                && Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                links[label] = value;
            }
        }
        return links;
    }

    private static string FirstClause(string reason) => reason.Split("; ", 2)[0];
}
