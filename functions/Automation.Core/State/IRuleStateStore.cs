namespace Automation.Core.State;

/// <summary>
/// Where thresholds and cooldowns live. Lambda environments come and go and several read one topic at once, so in
/// production this is shared (DynamoDB); the CLI and tests use <see cref="InMemoryRuleStateStore"/>.
/// Both operations must be atomic: of any number of concurrent callers, the counts all land and one claim wins.
/// </summary>
public interface IRuleStateStore
{
    /// <summary>
    /// Adds the counts to their time buckets of counter <paramref name="key"/> and returns the total of the buckets that
    /// start after <paramref name="windowEnd"/> − <paramref name="within"/> and not after <paramref name="windowEnd"/>.
    /// </summary>
    Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken);

    /// <summary>
    /// Claims <paramref name="key"/> from <paramref name="now"/> for <paramref name="duration"/>: true when no unexpired
    /// claim existed (the caller may act), false while an earlier claim still holds (in cooldown).
    /// </summary>
    Task<bool> TryClaimAsync(string key, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);
}
