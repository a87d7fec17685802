using Automation.Core.Lambda;
using Automation.Core.Rules.Decisions;
using Automation.Core.State;

namespace Automation.Core.Pipeline;

/// <summary>
/// The action stage of a function whose actions do not exist yet: every record counts as processed, and every action
/// the rules fired is recorded in the ledger as skipped, so the ledger never holds a claim that waits for an outcome.
/// </summary>
public sealed class NoActionSink : IBatchSink
{
    private readonly ActionLedger? _ledger;

    /// <param name="ledger">Where fired actions are recorded as skipped; null records nothing (tests of the pipeline alone).</param>
    public NoActionSink(ActionLedger? ledger = null)
    {
        _ledger = ledger;
    }

    public async Task<SinkOutcome> ProcessAsync(ParsedBatch batch, LambdaContext context, CancellationToken cancellationToken)
    {
        if (_ledger is not null)
        {
            foreach (var decision in batch.Rules.Decisions.Where(d => d.Outcome == DecisionOutcome.Fired && d.LedgerKey is not null))
            {
                await _ledger.RecordAsync(decision, context.AwsRequestId, LedgerState.Skipped,
                    "this function has no action stage in this version", release: false, links: null, cancellationToken).ConfigureAwait(false);
            }
        }
        return SinkOutcome.Completed;
    }
}
