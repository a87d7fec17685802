namespace Automation.Core.State;

/// <summary>The answer to a ledger claim.</summary>
/// <param name="Won">True when this invocation now holds the claim and may act.</param>
/// <param name="Previous">
/// When lost, the entry that holds the claim. When won, the entry replaced, if any: one that ran out, or one abandoned
/// by a claimant that died before recording an outcome (<see cref="TookOver"/>).
/// </param>
public sealed record ClaimResult(bool Won, LedgerEntry? Previous)
{
    /// <summary>Won by replacing a claim whose claimant never recorded an outcome: its action may or may not have run.</summary>
    public bool TookOver => Won && Previous is { State: LedgerState.Claimed };
}
