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
}
