using Automation.Core.Kafka;

namespace Automation.Core.State;

/// <summary>
/// Where thresholds, the action ledger and budgets live. Lambda environments come and go and several read one topic
/// at once, so in production this is shared (DynamoDB); the CLI and tests use <see cref="InMemoryRuleStateStore"/>.
/// Every operation is atomic: of any number of concurrent callers, all counts land, one claim wins, and no budget is
/// overdrawn. Both stores implement the same semantics, tested side by side.
/// </summary>
public interface IRuleStateStore
{
    /// <summary>
    /// Adds the counts to their time buckets of counter <paramref name="key"/> and returns the total of the buckets that
    /// start after <paramref name="windowEnd"/> − <paramref name="within"/> and not after <paramref name="windowEnd"/>.
    /// </summary>
    Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the action <paramref name="key"/> in the ledger. It is won when no entry exists, the entry's claim ran out
    /// (<see cref="LedgerEntry.Until"/> ≤ now), or the entry was abandoned (still <see cref="LedgerState.Claimed"/>
    /// after its claimant's lease); otherwise it is lost and the holder is returned.
    /// </summary>
    Task<ClaimResult> ClaimAsync(string key, LedgerClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Records how the action claimed by <paramref name="requestId"/> ended. With <paramref name="release"/> the claim
    /// ends now, so the next match may try again (for an action that did not run and should be retried). Returns false
    /// when the claim is no longer this request's (another took it over after the lease): nothing is written then.
    /// <paramref name="links"/> are the pages the action gave people (a workflow run's), kept for a notification sent later.
    /// </summary>
    Task<bool> RecordOutcomeAsync(
        string key, string requestId, LedgerState outcome, string detail, DateTimeOffset at, bool release, IReadOnlyDictionary<string, string>? links, CancellationToken cancellationToken);

    /// <summary>
    /// The ledger entry of action <paramref name="key"/>, or null when there is none (never claimed, or expired). A
    /// consistent GetItem in DynamoDB: the escalation check reads the earlier step's entry (PodRestartFunction's and
    /// RollbackFunction's roles are granted dynamodb:GetItem on the state table for it).
    /// </summary>
    Task<LedgerEntry?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one unit of budget <paramref name="scope"/>: at most <paramref name="limit"/> units within any period of
    /// length <paramref name="within"/> (a unit taken at t is in use until t + within).
    /// </summary>
    Task<BudgetResult> TryTakeBudgetAsync(string scope, int limit, TimeSpan within, DateTimeOffset now, string requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Opens <paramref name="incident"/> in <paramref name="scope"/> (a function's incidents), or, when it is open
    /// already, keeps its opening and moves its last match on. A resolved incident of the same key opens anew.
    /// Kept at least until <paramref name="keepUntil"/>.
    /// </summary>
    Task OpenIncidentAsync(string scope, Incident incident, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the last match of incident <paramref name="key"/> on, when it is open; nothing happens otherwise (a group
    /// that never fired, or whose incident resolved, has none to move).
    /// </summary>
    Task TouchIncidentAsync(string scope, string key, DateTimeOffset lastMatch, KafkaCoordinates lastTrigger, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>The open incidents of <paramref name="scope"/>, read consistently.</summary>
    Task<IReadOnlyList<Incident>> OpenIncidentsAsync(string scope, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves <paramref name="incident"/> as read: only while it is still open with the same opening and last
    /// match, so of concurrent sweeps one wins and a match that came in between keeps it open. True when this call
    /// resolved it.
    /// </summary>
    Task<bool> ResolveIncidentAsync(string scope, Incident incident, DateTimeOffset now, string requestId, CancellationToken cancellationToken);
}
