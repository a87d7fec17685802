using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Notify;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;

namespace Automation.Core.Actions;

/// <summary>
/// The action stage of PodRestartFunction and RollbackFunction: every fired decision (claimed in the ledger by the
/// decision stage) goes to the executor of its action type, in decision order; its outcome is recorded in the ledger
/// and written as one audit line. Retry results hand the decision's records back for redelivery and release the claim,
/// so the redelivered batch may act; suppressed results release it too, so the next match after a guardrail lifts
/// acts. Dry-run decisions never get here: they are planned, audited, and done. Notify actions run after the rule's
/// other actions, which they report on (<see cref="ActionNotifications"/>), and resolved decisions are notified last.
/// </summary>
public sealed class ActionSink : IBatchSink
{
    // Actions are also counted by outcome alone, across action types.
    private static readonly IReadOnlyList<IReadOnlyList<string>> ByOutcome = [[MetricNames.Outcome]];

    private readonly IReadOnlyDictionary<string, IActionExecutor> _executors;
    private readonly FunctionServices _services;
    private readonly Notifier? _notifier;
    private readonly Dictionary<string, Rule> _rules;

    /// <param name="executors">The executor of each action type this function runs.</param>
    /// <param name="services">INIT's services; notify actions send through its <see cref="FunctionServices.Notifier"/> (none: they fail, audited).</param>
    public ActionSink(IReadOnlyDictionary<string, IActionExecutor> executors, FunctionServices services)
    {
        _executors = executors;
        _services = services;
        _notifier = services.Notifier;
        _rules = services.Rules.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public async Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
    {
        var retry = new List<KafkaCoordinates>();
        var reports = new Dictionary<(string Rule, string Group), List<ActionNotifications.Report>>();
        foreach (var decision in batch.Rules.Decisions)
        {
            if (decision.Action is not { Type: not ActionCatalog.Notify } action)
            {
                continue;
            }
            if (decision is { Outcome: DecisionOutcome.Fired, LedgerKey: not null })
            {
                var result = await RunAsync(decision, token => ExecuteAsync(action.Type, new ActionRequest(decision, batch.Logs[decision.Records[^1]], batch, context), token),
                    batch, context, retry, cancellationToken).ConfigureAwait(false);
                if (result.Status != ActionStatus.Retry)
                {
                    ReportsOf(reports, decision).Add(ActionNotifications.FromResult(decision, result));
                }
            }
            else if (decision is { Outcome: DecisionOutcome.AlreadyDone, Holder: { OutcomeAt: not null } holder })
            {
                ReportsOf(reports, decision).Add(ActionNotifications.FromLedger(decision, holder));
            }
        }

        foreach (var decision in batch.Rules.Decisions)
        {
            if (decision is { Outcome: DecisionOutcome.Fired, LedgerKey: not null, Action.Type: ActionCatalog.Notify })
            {
                var said = reports.GetValueOrDefault((decision.RuleId, decision.Group)) ?? [];
                await RunAsync(decision, token => NotifyAsync(decision, said, batch, context, token), batch, context, retry, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var decision in batch.Rules.Decisions.Where(d => d.Outcome == DecisionOutcome.Resolved))
        {
            await NotifyResolvedAsync(decision, context, cancellationToken).ConfigureAwait(false);
        }
        return retry.Count == 0 ? SinkOutcome.Completed : new SinkOutcome(retry);
    }

    /// <summary>
    /// Runs one claimed action: its result hands the records back when it is to be retried, is recorded in the
    /// ledger, audited and measured.
    /// </summary>
    private async Task<ActionResult> RunAsync(
        Decision decision, Func<CancellationToken, Task<ActionResult>> act, ParsedBatch batch, LambdaContext context, List<KafkaCoordinates> retry, CancellationToken cancellationToken)
    {
        var started = _services.Time.GetTimestamp();
        var result = await act(cancellationToken).ConfigureAwait(false);
        var elapsed = _services.Time.GetElapsedTime(started);
        if (result.Status == ActionStatus.Retry)
        {
            retry.AddRange(decision.Records.Select(i => batch.Logs[i].Source));
        }

        var recorded = await RecordAsync(decision, context, result, cancellationToken).ConfigureAwait(false);
        ActionAudit.Write(_services.Log, decision, result, _services.Settings.FunctionName, context.AwsRequestId, elapsed, recorded);
        WriteMetrics(decision.Action!.Type, result.Status, elapsed);
        return result;
    }

    private static List<ActionNotifications.Report> ReportsOf(Dictionary<(string Rule, string Group), List<ActionNotifications.Report>> reports, Decision decision)
    {
        if (!reports.TryGetValue((decision.RuleId, decision.Group), out var list))
        {
            list = [];
            reports[(decision.RuleId, decision.Group)] = list;
        }
        return list;
    }

    /// <summary>
    /// A fired notify action: what the rule's other actions did, if its <c>on</c> asks about it. A held-back action is
    /// told once per cooldown (its own ledger key, claimed as done), and the notice then releases notify's claim like the
    /// action released its own, so when the guardrail lifts and the action runs, people hear that too.
    /// </summary>
    private async Task<ActionResult> NotifyAsync(Decision decision, IReadOnlyList<ActionNotifications.Report> reports, ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
    {
        var rule = _rules[decision.RuleId];
        var (value, nothingToSay) = ActionNotifications.Choose(rule, ActionNotifications.Events(decision.Action!.Parameters), reports);
        if (nothingToSay is not null)
        {
            return ActionResult.Skipped(nothingToSay);
        }
        var notification = ActionNotifications.ForFiring(decision, rule, value, reports, batch, _services, context.AwsRequestId);
        var channels = ActionNotifications.Channels(decision.Action.Parameters);
        if (value != NotificationEvent.Suppressed)
        {
            return WithEvent(await SendAsync(notification, channels, context, cancellationToken).ConfigureAwait(false), value);
        }

        var told = SuppressedNoticeKey(decision);
        var holdFor = rule.Cooldown ?? DynamoDbRuleStateStore.LedgerRetention;
        if (!await _services.Ledger.ClaimDoneAsync(told, context.AwsRequestId, decision.Sample.ToString(), holdFor, cancellationToken).ConfigureAwait(false))
        {
            return WithEvent(ActionResult.Skipped($"nothing new to notify: people were told within {Durations.Format(holdFor)} that the rule's actions are held back"), value);
        }
        var sent = await SendAsync(notification, channels, context, cancellationToken).ConfigureAwait(false);
        // Retried, the notice is still to be told; refused for good (a webhook that answers 410), it is not re-sent.
        if (sent.Status == ActionStatus.Retry)
        {
            await _services.Ledger.ReleaseAsync(told, context.AwsRequestId, cancellationToken).ConfigureAwait(false);
        }
        return WithEvent(sent, value);
    }

    /// <summary>Where a notify action keeps that it told people its rule's actions are held back, per its own ledger key.</summary>
    private static string SuppressedNoticeKey(Decision decision) => "notice|suppressed|" + decision.LedgerKey;

    /// <summary>The event a notice told, among its facts (the audit line shows it; a told suppression releases notify's claim).</summary>
    private static ActionResult WithEvent(ActionResult result, NotificationEvent value) => result with
    {
        Facts = new Dictionary<string, string>(result.Facts ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [EventFact] = ActionNotifications.EventName(value),
        },
    };

    private const string EventFact = "event";

    /// <summary>Kept free before the invocation's deadline when notifying, as the Kubernetes and bulk senders keep it.</summary>
    internal static readonly TimeSpan NotifyDeadlineMargin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A resolved decision, sent by each of the rule's notify actions that asks for it. There are no records to hand
    /// back, so what cannot be sent before the deadline fails, audited; there is no ledger entry either (the incident
    /// makes it once). Dry-run sends nothing: the decision's audit line says it all.
    /// </summary>
    private async Task NotifyResolvedAsync(Decision decision, LambdaContext context, CancellationToken cancellationToken)
    {
        if (_services.Settings.DryRun || !_rules.TryGetValue(decision.RuleId, out var rule))
        {
            return;
        }
        for (var index = 0; index < rule.Actions.Count; index++)
        {
            var action = rule.Actions[index];
            var parameters = action.Parameters.Where(p => p.Key != "text").ToDictionary(p => p.Key, p => p.Value.Text, StringComparer.Ordinal);
            if (action.Type != ActionCatalog.Notify || !ActionNotifications.Events(parameters).Contains(ActionNotifications.EventName(NotificationEvent.Resolved)))
            {
                continue;
            }
            var audited = decision with { Action = new RenderedAction(action.Type, index, parameters, $"{action.Type} resolved {decision.Group}") };
            var started = _services.Time.GetTimestamp();
            var result = await SendAsync(ActionNotifications.ForResolved(decision, rule, index, _services, context.AwsRequestId),
                ActionNotifications.Channels(parameters), context, cancellationToken).ConfigureAwait(false);
            if (result.Status == ActionStatus.Retry)
            {
                result = ActionResult.Failed("not sent before the deadline: " + result.Detail, result.Facts);
            }
            var elapsed = _services.Time.GetElapsedTime(started);
            ActionAudit.Write(_services.Log, audited, result, _services.Settings.FunctionName, context.AwsRequestId, elapsed, recorded: null);
            WriteMetrics(action.Type, result.Status, elapsed);
        }
    }

    private async Task<ActionResult> SendAsync(Notification notification, IReadOnlyCollection<string>? channels, LambdaContext context, CancellationToken cancellationToken)
    {
        if (_notifier is null)
        {
            return ActionResult.Failed(
                $"{_services.Settings.FunctionName} has no notification channel: set {Notifier.WebhookSecretVariable} or {Notifier.QueueUrlVariable} (docs/notify.md)");
        }
        if (channels?.FirstOrDefault(c => !_notifier.Channels.Contains(c)) is { } missing)
        {
            return ActionResult.Failed($"to: {missing}, and {_services.Settings.FunctionName} has no {missing} channel (docs/notify.md)");
        }
        try
        {
            // Time to record the outcome and answer Lambda stays after the last attempt.
            return await _notifier.SendAsync(notification, channels, context.Deadline - NotifyDeadlineMargin, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ActionResult.Retry("the invocation's deadline came before the notification was sent");
        }
    }

    /// <summary>
    /// One line per action: its count and latency by action type and outcome, and by outcome alone, so a circuit that
    /// opened (suppressed) is one alarm per function whatever the action.
    /// </summary>
    private void WriteMetrics(string actionType, ActionStatus status, TimeSpan elapsed) => _services.Metrics.Write(
        [new MetricDimension(MetricNames.ActionType, actionType), new MetricDimension(MetricNames.Outcome, ActionAudit.StatusName(status))],
        [MetricValue.Count(MetricNames.Actions, 1), MetricValue.Milliseconds(MetricNames.ActionLatency, elapsed)],
        ByOutcome);

    private async Task<ActionResult> ExecuteAsync(string type, ActionRequest request, CancellationToken cancellationToken)
    {
        if (!_executors.TryGetValue(type, out var executor))
        {
            return ActionResult.Failed($"{_services.Settings.FunctionName} has no executor for {type}");
        }
        try
        {
            return await executor.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ActionResult.Retry("the invocation's deadline came before the action finished");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in an executor must not take the batch down; it is a failure of this action, audited. Only the
            // exception's type is kept: its message may quote what an API answered.
            return ActionResult.Failed($"the executor failed unexpectedly ({e.GetType().Name})");
        }
    }

    /// <summary>Records the outcome; false when it could not be (the claim then waits out its lease and is taken over).</summary>
    private async Task<bool> RecordAsync(Decision decision, LambdaContext context, ActionResult result, CancellationToken cancellationToken)
    {
        var (state, release) = result.Status switch
        {
            ActionStatus.Succeeded => (LedgerState.Succeeded, false),
            ActionStatus.Failed => (LedgerState.Failed, false),
            ActionStatus.Suppressed or ActionStatus.Skipped => (LedgerState.Skipped, true),
            _ => (LedgerState.Failed, true),
        };
        // A notice that the actions were held back does not hold notify's cooldown: the held-back action did not.
        release |= decision.Action?.Type == ActionCatalog.Notify && result.Facts?.GetValueOrDefault(EventFact) == ActionNotifications.EventName(NotificationEvent.Suppressed);
        try
        {
            return await _services.Ledger.RecordAsync(decision, context.AwsRequestId, state, result.Detail, release, ActionNotifications.Links(result.Facts), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _services.Log.Error("action outcome not recorded in the ledger", json =>
            {
                json.WriteString("requestId", context.AwsRequestId);
                json.WriteString("rule", decision.RuleId);
                json.WriteString("error", e.GetType().Name);
            });
            return false;
        }
    }
}
