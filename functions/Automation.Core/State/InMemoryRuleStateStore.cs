namespace Automation.Core.State;

/// <summary>
/// Thresholds and cooldowns in this process's memory: for the CLI, tests and single-environment trials. Expired
/// buckets and claims are dropped as they are met, so memory follows the live keys.
/// </summary>
public sealed class InMemoryRuleStateStore : IRuleStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<DateTimeOffset, long>> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _claims = new(StringComparer.Ordinal);

    public Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var windowStart = windowEnd - within;
        lock (_gate)
        {
            if (!_counters.TryGetValue(key, out var buckets))
            {
                buckets = [];
                _counters[key] = buckets;
            }
            foreach (var addition in additions)
            {
                buckets[addition.BucketStart] = buckets.GetValueOrDefault(addition.BucketStart) + addition.Count;
            }

            foreach (var expired in buckets.Keys.TakeWhile(start => start <= windowStart).ToList())
            {
                buckets.Remove(expired);
            }
            return Task.FromResult(buckets.Where(b => b.Key <= windowEnd).Sum(b => b.Value));
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
}
