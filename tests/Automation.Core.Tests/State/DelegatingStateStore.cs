using Automation.Core.State;

namespace Automation.Core.Tests.State;

/// <summary>A store that passes every call to another: tests override the calls they watch or break.</summary>
internal abstract class DelegatingStateStore(IRuleStateStore inner) : IRuleStateStore
{
    public virtual Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken) =>
        inner.AddAndCountAsync(key, additions, within, windowEnd, cancellationToken);

    public virtual Task<ClaimResult> ClaimAsync(string key, LedgerClaim claim, CancellationToken cancellationToken) =>
        inner.ClaimAsync(key, claim, cancellationToken);

    public virtual Task<bool> RecordOutcomeAsync(string key, string requestId, LedgerState outcome, string detail, DateTimeOffset at, bool release, CancellationToken cancellationToken) =>
        inner.RecordOutcomeAsync(key, requestId, outcome, detail, at, release, cancellationToken);

    public virtual Task<LedgerEntry?> ReadAsync(string key, CancellationToken cancellationToken) =>
        inner.ReadAsync(key, cancellationToken);

    public virtual Task<BudgetResult> TryTakeBudgetAsync(string scope, int limit, TimeSpan within, DateTimeOffset now, string requestId, CancellationToken cancellationToken) =>
        inner.TryTakeBudgetAsync(scope, limit, within, now, requestId, cancellationToken);
}
