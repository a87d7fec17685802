using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Decisions;
using Automation.Core.State;
using Automation.Core.Telemetry;

namespace Automation.Core.Actions;

/// <summary>
/// The action stage of PodRestartFunction and RollbackFunction: every fired decision (claimed in the ledger by the
/// decision stage) goes to the executor of its action type, in decision order; its outcome is recorded in the ledger
/// and written as one audit line. Retry results hand the decision's records back for redelivery and release the claim,
/// so the redelivered batch may act; suppressed results release it too, so the next match after a guardrail lifts
/// acts. Dry-run decisions never get here: they are planned, audited, and done.
/// </summary>
public sealed class ActionSink : IBatchSink
{
    // Actions are also counted by outcome alone, across action types.
    private static readonly IReadOnlyList<IReadOnlyList<string>> ByOutcome = [[MetricNames.Outcome]];

    private readonly IReadOnlyDictionary<string, IActionExecutor> _executors;
    private readonly FunctionServices _services;

    /// <param name="executors">The executor of each action type this function runs.</param>
    public ActionSink(IReadOnlyDictionary<string, IActionExecutor> executors, FunctionServices services)
    {
        _executors = executors;
        _services = services;
    }

    public async Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
    {
        var retry = new List<KafkaCoordinates>();
        foreach (var decision in batch.Rules.Decisions)
        {
            if (decision is not { Outcome: DecisionOutcome.Fired, Action: { } action, LedgerKey: not null })
            {
                continue;
            }

            var started = _services.Time.GetTimestamp();
            var result = await ExecuteAsync(action.Type, new ActionRequest(decision, batch.Logs[decision.Records[^1]], batch, context), cancellationToken).ConfigureAwait(false);
            var elapsed = _services.Time.GetElapsedTime(started);
            if (result.Status == ActionStatus.Retry)
            {
                retry.AddRange(decision.Records.Select(i => batch.Logs[i].Source));
            }

            var recorded = await RecordAsync(decision, context, result, cancellationToken).ConfigureAwait(false);
            ActionAudit.Write(_services.Log, decision, result, _services.Settings.FunctionName, context.AwsRequestId, elapsed, recorded);
            WriteMetrics(action.Type, result.Status, elapsed);
        }
        return retry.Count == 0 ? SinkOutcome.Completed : new SinkOutcome(retry);
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
            ActionStatus.Suppressed => (LedgerState.Skipped, true),
            _ => (LedgerState.Failed, true),
        };
        try
        {
            return await _services.Ledger.RecordAsync(decision, context.AwsRequestId, state, result.Detail, release, cancellationToken).ConfigureAwait(false);
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
