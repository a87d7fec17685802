using Automation.Core.Kafka;

namespace Automation.Core.State;

/// <summary>
/// Thresholds, the action ledger and budgets in this process's memory: for the CLI, tests and single-environment trials. A bucket is
/// dropped once it has left every window by <see cref="DynamoDbRuleStateStore.ExpiryMargin"/> (as DynamoDB's TTL drops
/// it), measured from the latest window end seen for its key: a later batch whose records are older still counts
/// what its own window holds.
/// </summary>
public sealed class InMemoryRuleStateStore : IRuleStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LedgerEntry> _ledger = new(StringComparer.Ordinal);

    private DateTimeOffset _nextExpiry = DateTimeOffset.MinValue;

    // Per function scope and key, the incident and whether it is still open; dropped when DynamoDB's TTL would.
    private readonly Dictionary<(string Scope, string Key), (Incident Incident, bool Open, DateTimeOffset KeepUntil)> _incidents = [];

    // Per budget scope, when each unit in use frees up.
    private readonly Dictionary<string, List<DateTimeOffset>> _budgets = new(StringComparer.Ordinal);

    public Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var windowStart = windowEnd - within;
        lock (_gate)
        {
            if (!_counters.TryGetValue(key, out var counter))
            {
                counter = new Counter();
                _counters[key] = counter;
            }
            foreach (var addition in additions)
            {
                counter.Buckets[addition.BucketStart] = counter.Buckets.GetValueOrDefault(addition.BucketStart) + addition.Count;
            }

            if (windowEnd > counter.LatestWindowEnd)
            {
                counter.LatestWindowEnd = windowEnd;
            }
            var expiredBefore = counter.LatestWindowEnd - within - DynamoDbRuleStateStore.ExpiryMargin;
            foreach (var expired in counter.Buckets.Keys.TakeWhile(start => start <= expiredBefore).ToList())
            {
                counter.Buckets.Remove(expired);
            }
            return Task.FromResult(counter.Buckets.Where(b => b.Key > windowStart && b.Key <= windowEnd).Sum(b => b.Value));
        }
    }

    public Task<ClaimResult> ClaimAsync(string key, LedgerClaim claim, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            DropExpiredEntries(claim.Now);
            var previous = _ledger.GetValueOrDefault(key);
            if (previous is not null && !previous.IsFreeFor(claim.Now, claim.Trigger))
            {
                return Task.FromResult(new ClaimResult(false, previous));
            }
            _ledger[key] = new LedgerEntry(claim.RequestId, claim.Trigger, claim.Now, claim.Until, claim.LeaseUntil, claim.State, OutcomeAt: null, Detail: null);
            return Task.FromResult(new ClaimResult(true, previous));
        }
    }

    public Task<bool> RecordOutcomeAsync(
        string key, string requestId, LedgerState outcome, string detail, DateTimeOffset at, bool release, IReadOnlyDictionary<string, string>? links, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ledger.GetValueOrDefault(key) is not { } entry || entry.RequestId != requestId)
            {
                return Task.FromResult(false);
            }
            _ledger[key] = entry with
            {
                State = outcome, OutcomeAt = at, Detail = detail, Until = release ? at : entry.Until, Released = release,
                Links = links is { Count: > 0 } ? new Dictionary<string, string>(links, StringComparer.Ordinal) : null,
            };
            return Task.FromResult(true);
        }
    }

    public Task<LedgerEntry?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_ledger.GetValueOrDefault(key));
        }
    }

    public Task<BudgetResult> TryTakeBudgetAsync(string scope, int limit, TimeSpan within, DateTimeOffset now, string requestId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            if (!_budgets.TryGetValue(scope, out var taken))
            {
                taken = [];
                _budgets[scope] = taken;
            }
            taken.RemoveAll(until => until <= now);
            if (taken.Count >= limit)
            {
                return Task.FromResult(new BudgetResult(false, taken.Count, taken.Min()));
            }
            taken.Add(now + within);
            return Task.FromResult(new BudgetResult(true, taken.Count, FreesAt: null));
        }
    }

    public Task OpenIncidentAsync(string scope, Incident incident, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var opened = _incidents.TryGetValue((scope, incident.Key), out var current) && current.Open
                ? incident with { OpenedAt = current.Incident.OpenedAt, OpenedBy = current.Incident.OpenedBy, DryRun = current.Incident.DryRun }
                : incident;
            _incidents[(scope, incident.Key)] = (opened, true, keepUntil);
            return Task.CompletedTask;
        }
    }

    public Task TouchIncidentAsync(string scope, string key, DateTimeOffset lastMatch, KafkaCoordinates lastTrigger, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_incidents.TryGetValue((scope, key), out var current) && current.Open && current.Incident.LastMatch <= lastMatch)
            {
                _incidents[(scope, key)] = (current.Incident with { LastMatch = lastMatch, LastTrigger = lastTrigger }, true, keepUntil);
            }
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<Incident>> OpenIncidentsAsync(string scope, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Incident> open = _incidents.Where(i => i.Key.Scope == scope && i.Value.Open).Select(i => i.Value.Incident).ToList();
            return Task.FromResult(open);
        }
    }

    public Task<bool> ResolveIncidentAsync(string scope, Incident incident, DateTimeOffset now, string requestId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var expired in _incidents.Where(i => i.Value.KeepUntil + DynamoDbRuleStateStore.ExpiryMargin <= now).Select(i => i.Key).ToList())
            {
                _incidents.Remove(expired);
            }
            if (!_incidents.TryGetValue((scope, incident.Key), out var current) || !current.Open
                || current.Incident.OpenedAt != incident.OpenedAt || current.Incident.LastMatch != incident.LastMatch)
            {
                return Task.FromResult(false);
            }
            _incidents[(scope, incident.Key)] = (current.Incident, false, now + DynamoDbRuleStateStore.LedgerRetention);
            return Task.FromResult(true);
        }
    }

    /// <summary>Drops ledger entries DynamoDB's TTL would have deleted, once a minute at most: memory stays bounded.</summary>
    private void DropExpiredEntries(DateTimeOffset now)
    {
        if (now < _nextExpiry)
        {
            return;
        }
        _nextExpiry = now + TimeSpan.FromMinutes(1);
        foreach (var (key, entry) in _ledger.ToList())
        {
            var kept = new[] { entry.Until, entry.LeaseUntil, entry.ClaimedAt + DynamoDbRuleStateStore.LedgerRetention }.Max();
            if (kept + DynamoDbRuleStateStore.ExpiryMargin <= now)
            {
                _ledger.Remove(key);
            }
        }
    }

    private sealed class Counter
    {
        public SortedDictionary<DateTimeOffset, long> Buckets { get; } = [];

        public DateTimeOffset LatestWindowEnd { get; set; } = DateTimeOffset.MinValue;
    }
}
