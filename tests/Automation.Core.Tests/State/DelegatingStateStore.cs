using Automation.Core.Kafka;
using Automation.Core.State;

namespace Automation.Core.Tests.State;

/// <summary>A store that passes every call to another: tests override the calls they watch or break.</summary>
internal abstract class DelegatingStateStore(IRuleStateStore inner) : IRuleStateStore
{
    public virtual Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken) =>
        inner.AddAndCountAsync(key, additions, within, windowEnd, cancellationToken);

    public virtual Task<ClaimResult> ClaimAsync(string key, LedgerClaim claim, CancellationToken cancellationToken) =>
        inner.ClaimAsync(key, claim, cancellationToken);

    public virtual Task<bool> RecordOutcomeAsync(
        string key, string requestId, LedgerState outcome, string detail, DateTimeOffset at, bool release, IReadOnlyDictionary<string, string>? links, CancellationToken cancellationToken) =>
        inner.RecordOutcomeAsync(key, requestId, outcome, detail, at, release, links, cancellationToken);

    public virtual Task<LedgerEntry?> ReadAsync(string key, CancellationToken cancellationToken) =>
        inner.ReadAsync(key, cancellationToken);

    public virtual Task<BudgetResult> TryTakeBudgetAsync(string scope, int limit, TimeSpan within, DateTimeOffset now, string requestId, CancellationToken cancellationToken) =>
        inner.TryTakeBudgetAsync(scope, limit, within, now, requestId, cancellationToken);

    public virtual Task OpenIncidentAsync(string scope, Incident incident, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
        inner.OpenIncidentAsync(scope, incident, keepUntil, cancellationToken);

    public virtual Task TouchIncidentAsync(string scope, string key, DateTimeOffset lastMatch, KafkaCoordinates lastTrigger, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
        inner.TouchIncidentAsync(scope, key, lastMatch, lastTrigger, keepUntil, cancellationToken);

    public virtual Task<IReadOnlyList<Incident>> OpenIncidentsAsync(string scope, CancellationToken cancellationToken) =>
        inner.OpenIncidentsAsync(scope, cancellationToken);

    public virtual Task<bool> ResolveIncidentAsync(string scope, Incident incident, DateTimeOffset now, string requestId, CancellationToken cancellationToken) =>
        inner.ResolveIncidentAsync(scope, incident, now, requestId, cancellationToken);
}
