namespace Automation.Core.State;

/// <summary>An action as the ledger holds it: who claimed it for which trigger, until when, and how it ended.</summary>
/// <param name="OutcomeAt">When the outcome was recorded; null while <see cref="State"/> is <see cref="LedgerState.Claimed"/>.</param>
/// <param name="Detail">What the action stage said about the outcome (bounded, never a secret); null while claimed.</param>
/// <param name="Released">The outcome released the claim: the action did not run, and may be tried again, even for the same trigger.</param>
/// <param name="Links">Pages the action gave people with its outcome (label → URL), for a notification sent later; null when none.</param>
public sealed record LedgerEntry(
    string RequestId,
    string Trigger,
    DateTimeOffset ClaimedAt,
    DateTimeOffset Until,
    DateTimeOffset LeaseUntil,
    LedgerState State,
    DateTimeOffset? OutcomeAt,
    string? Detail,
    bool Released = false,
    IReadOnlyDictionary<string, string>? Links = null)
{
    /// <summary>
    /// Whether a claim for <paramref name="trigger"/> made at <paramref name="now"/> may replace this entry: it ran out
    /// or was abandoned, and it is not a finished entry of the same trigger (a redelivered batch must find that done)
    /// unless that released its claim.
    /// </summary>
    public bool IsFreeFor(DateTimeOffset now, string trigger) =>
        (Until <= now || IsAbandoned(now)) && (Trigger != trigger || State == LedgerState.Claimed || Released);

    /// <summary>Claimed, no outcome, and its claimant's lease has passed: it died between claim and outcome.</summary>
    public bool IsAbandoned(DateTimeOffset now) => State == LedgerState.Claimed && LeaseUntil <= now;
}
