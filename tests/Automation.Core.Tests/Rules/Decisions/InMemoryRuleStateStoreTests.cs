using Automation.Core.State;

namespace Automation.Core.Tests.Rules.Decisions;

public sealed class InMemoryRuleStateStoreTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryRuleStateStore _store = new();

    [Fact]
    public async Task Counts_sum_the_buckets_inside_the_window_only()
    {
        var within = TimeSpan.FromMinutes(2);
        await _store.AddAndCountAsync("k", [new(Noon.AddMinutes(-3), 5), new(Noon.AddMinutes(-1), 2)], within, Noon.AddMinutes(-1), CancellationToken.None);

        var total = await _store.AddAndCountAsync("k", [new(Noon, 1)], within, Noon, CancellationToken.None);

        Assert.Equal(3, total);
    }

    [Fact]
    public async Task A_later_batch_with_older_records_still_counts_its_own_window()
    {
        var within = TimeSpan.FromMinutes(2);
        await _store.AddAndCountAsync("k", [new(Noon.AddMinutes(-10), 4)], within, Noon.AddMinutes(-10), CancellationToken.None);
        await _store.AddAndCountAsync("k", [new(Noon, 1)], within, Noon, CancellationToken.None);

        var older = await _store.AddAndCountAsync("k", [new(Noon.AddMinutes(-9.5), 1)], within, Noon.AddMinutes(-9.5), CancellationToken.None);

        Assert.Equal(5, older);
    }

    [Fact]
    public async Task Counters_are_separate_per_key()
    {
        await _store.AddAndCountAsync("a", [new(Noon, 4)], TimeSpan.FromMinutes(1), Noon, CancellationToken.None);

        Assert.Equal(1, await _store.AddAndCountAsync("b", [new(Noon, 1)], TimeSpan.FromMinutes(1), Noon, CancellationToken.None));
    }

    [Fact]
    public async Task Ledger_entries_are_dropped_when_DynamoDB_would_have_expired_them_and_not_before()
    {
        var claim = new LedgerClaim("r", "logs-0@1", Noon, Noon.AddMinutes(15), Noon.AddMinutes(1), LedgerState.Succeeded);
        await _store.ClaimAsync("k", claim, CancellationToken.None);
        var expiry = Noon + DynamoDbRuleStateStore.LedgerRetention + DynamoDbRuleStateStore.ExpiryMargin;

        await _store.ClaimAsync("other", claim with { Now = expiry - TimeSpan.FromSeconds(1) }, CancellationToken.None);
        var kept = await _store.ReadAsync("k", CancellationToken.None);
        // Expired entries are swept at most once a minute.
        await _store.ClaimAsync("other-2", claim with { Now = expiry + TimeSpan.FromMinutes(1) }, CancellationToken.None);

        Assert.NotNull(kept);
        Assert.Null(await _store.ReadAsync("k", CancellationToken.None));
    }
}
