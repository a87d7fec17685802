namespace Automation.Core.State;

/// <summary>
/// Thresholds and cooldowns in this process's memory: for the CLI, tests and single-environment trials. A bucket is
/// dropped once it has left every window by <see cref="DynamoDbRuleStateStore.ExpiryMargin"/> (as DynamoDB's TTL drops
/// it), measured from the latest window end seen for its key: a later batch whose records are older still counts
/// what its own window holds.
/// </summary>
public sealed class InMemoryRuleStateStore : IRuleStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _claims = new(StringComparer.Ordinal);

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

    public Task<bool> TryClaimAsync(string key, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(key, out var until) && until > now)
            {
                return Task.FromResult(false);
            }
            _claims[key] = now + duration;
            return Task.FromResult(true);
        }
    }

    private sealed class Counter
    {
        public SortedDictionary<DateTimeOffset, long> Buckets { get; } = [];

        public DateTimeOffset LatestWindowEnd { get; set; } = DateTimeOffset.MinValue;
    }
}
