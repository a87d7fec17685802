using Automation.Core.Kafka;
using Automation.Core.State;

namespace Automation.Core.Tests.State;

/// <summary>
/// The semantics both state stores promise, run against each (<see cref="InMemoryStateStoreContractTests"/>, and
/// <see cref="DynamoDbStateStoreContractTests"/> on moto): the ledger's claims, outcomes and takeovers, budgets, and incidents.
/// </summary>
public abstract class StateStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary><paramref name="count"/> stores over one fresh shared state, as separate Lambda environments see it.</summary>
    protected abstract Task<IReadOnlyList<IRuleStateStore>> StoresAsync(int count);

    private async Task<IRuleStateStore> StoreAsync() => (await StoresAsync(1))[0];

    private static LedgerClaim Claim(string requestId, string trigger, DateTimeOffset now, LedgerState state = LedgerState.Claimed) =>
        new(requestId, trigger, now, now + Cooldown, now + Lease, state);

    [Fact]
    public async Task Of_twenty_concurrent_claims_exactly_one_wins_and_the_others_see_it()
    {
        var stores = await StoresAsync(20);

        var results = await Task.WhenAll(stores.Select((store, i) => Task.Run(() =>
            store.ClaimAsync("cooldown|oom|0|payments/api", Claim($"request-{i}", "logs-0@7", Start), CancellationToken.None))));

        var winner = Assert.Single(results, r => r.Won);
        Assert.Null(winner.Previous);
        var winnerId = (await stores[0].ReadAsync("cooldown|oom|0|payments/api", CancellationToken.None))!.RequestId;
        Assert.All(results.Where(r => !r.Won), lost =>
        {
            Assert.Equal(winnerId, lost.Previous!.RequestId);
            Assert.Equal(LedgerState.Claimed, lost.Previous.State);
        });
    }

    [Fact]
    public async Task A_claim_holds_for_its_cooldown_and_then_another_trigger_may_take_it()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("a", "logs-0@1", Start, LedgerState.DryRun), CancellationToken.None);

        var during = await store.ClaimAsync("k", Claim("b", "logs-0@2", Start + Cooldown - TimeSpan.FromMilliseconds(1)), CancellationToken.None);
        var after = await store.ClaimAsync("k", Claim("c", "logs-0@3", Start + Cooldown), CancellationToken.None);

        Assert.False(during.Won);
        Assert.Equal(("a", LedgerState.DryRun), (during.Previous!.RequestId, during.Previous.State));
        Assert.True(after.Won);
        Assert.False(after.TookOver);
        Assert.Equal("a", after.Previous!.RequestId);
        Assert.True((await store.ClaimAsync("other", Claim("d", "logs-0@3", Start + Cooldown), CancellationToken.None)).Won);
    }

    [Fact]
    public async Task A_finished_action_is_never_claimed_again_for_the_same_trigger()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("first", "logs-0@7", Start), CancellationToken.None);
        Assert.True(await store.RecordOutcomeAsync("k", "first", LedgerState.Succeeded, "pod deleted", Start + TimeSpan.FromSeconds(2), release: false, links: null, CancellationToken.None));

        // Redelivered within the cooldown, and long after it: found done both times.
        var soon = await store.ClaimAsync("k", Claim("retry", "logs-0@7", Start + TimeSpan.FromSeconds(5)), CancellationToken.None);
        var late = await store.ClaimAsync("k", Claim("replay", "logs-0@7", Start + TimeSpan.FromHours(3)), CancellationToken.None);

        Assert.False(soon.Won);
        Assert.False(late.Won);
        Assert.Equal(("first", LedgerState.Succeeded, "pod deleted"), (late.Previous!.RequestId, late.Previous.State, late.Previous.Detail));
    }

    [Fact]
    public async Task A_claim_without_outcome_holds_through_its_lease_and_is_then_taken_over()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("crashed", "logs-0@7", Start), CancellationToken.None);

        // The same batch again while the claimant may still be acting: not ours.
        var early = await store.ClaimAsync("k", Claim("retry-1", "logs-0@7", Start + Lease - TimeSpan.FromMilliseconds(1)), CancellationToken.None);
        // After its lease it cannot be acting any more: it crashed or timed out between claim and outcome.
        var late = await store.ClaimAsync("k", Claim("retry-2", "logs-0@7", Start + Lease), CancellationToken.None);

        Assert.False(early.Won);
        Assert.Equal(("crashed", LedgerState.Claimed), (early.Previous!.RequestId, early.Previous.State));
        Assert.True(late.Won);
        Assert.True(late.TookOver);
        Assert.Equal("crashed", late.Previous!.RequestId);
        var entry = await store.ReadAsync("k", CancellationToken.None);
        Assert.Equal(("retry-2", LedgerState.Claimed), (entry!.RequestId, entry.State));
    }

    [Fact]
    public async Task An_abandoned_claim_is_taken_over_by_another_trigger_within_the_cooldown_too()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("crashed", "logs-0@7", Start), CancellationToken.None);

        var next = await store.ClaimAsync("k", Claim("next", "logs-0@9", Start + Lease + TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.True(next.TookOver);
    }

    [Fact]
    public async Task Only_the_claimant_records_the_outcome_and_the_entry_shows_it()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("mine", "logs-0@7", Start), CancellationToken.None);

        Assert.False(await store.RecordOutcomeAsync("k", "someone-else", LedgerState.Failed, "x", Start, release: false, links: null, CancellationToken.None));
        Assert.False(await store.RecordOutcomeAsync("never-claimed", "mine", LedgerState.Failed, "x", Start, release: false, links: null, CancellationToken.None));
        Assert.True(await store.RecordOutcomeAsync("k", "mine", LedgerState.Failed, "403 Forbidden", Start + TimeSpan.FromSeconds(3), release: false, links: null, CancellationToken.None));

        var entry = await store.ReadAsync("k", CancellationToken.None);
        Assert.Equal(new LedgerEntry("mine", "logs-0@7", Start, Start + Cooldown, Start + Lease, LedgerState.Failed, Start + TimeSpan.FromSeconds(3), "403 Forbidden"), entry);
        Assert.Null(await store.ReadAsync("never-claimed", CancellationToken.None));
        // A failed action keeps its cooldown: no hammering an API that refuses.
        Assert.False((await store.ClaimAsync("k", Claim("next", "logs-0@8", Start + TimeSpan.FromMinutes(5)), CancellationToken.None)).Won);
    }

    [Fact]
    public async Task A_released_claim_may_be_claimed_again_at_once_even_for_the_same_trigger()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("first", "logs-0@7", Start), CancellationToken.None);
        await store.RecordOutcomeAsync("k", "first", LedgerState.Failed, "503 from the API server: retried later", Start + TimeSpan.FromSeconds(1), release: true, links: null, CancellationToken.None);

        var retry = await store.ClaimAsync("k", Claim("retry", "logs-0@7", Start + TimeSpan.FromSeconds(2)), CancellationToken.None);

        Assert.True(retry.Won);
        Assert.Equal(LedgerState.Failed, retry.Previous!.State);
        Assert.True(retry.Previous.Released);
    }

    [Fact]
    public async Task A_budget_gives_at_most_its_limit_in_any_window()
    {
        var store = await StoreAsync();
        var within = TimeSpan.FromMinutes(10);

        var taken = new List<BudgetResult>();
        for (var i = 0; i < 4; i++)
        {
            taken.Add(await store.TryTakeBudgetAsync("restarts|payments", 3, within, Start + TimeSpan.FromMinutes(i), $"r{i}", CancellationToken.None));
        }
        var stillOpen = await store.TryTakeBudgetAsync("restarts|payments", 3, within, Start + within - TimeSpan.FromMilliseconds(1), "r4", CancellationToken.None);
        var closed = await store.TryTakeBudgetAsync("restarts|payments", 3, within, Start + within, "r5", CancellationToken.None);
        var otherScope = await store.TryTakeBudgetAsync("restarts|orders", 3, within, Start, "r6", CancellationToken.None);

        Assert.Equal([true, true, true, false], taken.Select(t => t.Taken));
        Assert.Equal([1, 2, 3, 3], taken.Select(t => t.InUse));
        Assert.Equal(Start + within, taken[3].FreesAt);
        Assert.False(stillOpen.Taken);
        Assert.True(closed.Taken);
        Assert.Equal(3, closed.InUse);
        Assert.True(otherScope.Taken);
    }

    [Fact]
    public async Task Twenty_concurrent_requests_for_a_budget_of_three_get_exactly_three()
    {
        var stores = await StoresAsync(20);

        var results = await Task.WhenAll(stores.Select((store, i) => Task.Run(() =>
            store.TryTakeBudgetAsync("dispatches|acme/payments", 3, TimeSpan.FromMinutes(30), Start, $"request-{i}", CancellationToken.None))));

        Assert.Equal(3, results.Count(r => r.Taken));
        Assert.All(results.Where(r => !r.Taken), r => Assert.Equal(Start + TimeSpan.FromMinutes(30), r.FreesAt));
    }

    private static Incident Opened(string key, DateTimeOffset at, string by = "request-1", long offset = 1) =>
        new(key, "oom", "app=\"api\"", at, by, at, new KafkaCoordinates("logs", 0, offset), DryRun: false);

    [Fact]
    public async Task An_incident_opens_moves_on_with_matches_and_resolves_once()
    {
        var stores = await StoresAsync(5);
        var store = stores[0];
        await store.OpenIncidentAsync("f", Opened("oom|api", Start), Start + TimeSpan.FromDays(1), CancellationToken.None);
        await store.TouchIncidentAsync("f", "oom|api", Start + TimeSpan.FromMinutes(3), new KafkaCoordinates("logs", 2, 40), Start + TimeSpan.FromDays(1), CancellationToken.None);
        // An older match processed late does not move it back.
        await store.TouchIncidentAsync("f", "oom|api", Start + TimeSpan.FromMinutes(2), new KafkaCoordinates("logs", 1, 9), Start + TimeSpan.FromDays(1), CancellationToken.None);

        var open = Assert.Single(await store.OpenIncidentsAsync("f", CancellationToken.None));
        var resolved = await Task.WhenAll(stores.Select((s, i) => Task.Run(() =>
            s.ResolveIncidentAsync("f", open, Start + TimeSpan.FromMinutes(20), $"sweep-{i}", CancellationToken.None))));

        Assert.Equal(Opened("oom|api", Start) with { LastMatch = Start + TimeSpan.FromMinutes(3), LastTrigger = new KafkaCoordinates("logs", 2, 40) }, open);
        Assert.Single(resolved, r => r);
        Assert.Empty(await store.OpenIncidentsAsync("f", CancellationToken.None));
        Assert.Empty(await store.OpenIncidentsAsync("other-function", CancellationToken.None));
    }

    [Fact]
    public async Task A_match_between_reading_and_resolving_keeps_the_incident_open()
    {
        var store = await StoreAsync();
        await store.OpenIncidentAsync("f", Opened("oom|api", Start), Start + TimeSpan.FromDays(1), CancellationToken.None);
        var read = Assert.Single(await store.OpenIncidentsAsync("f", CancellationToken.None));
        await store.TouchIncidentAsync("f", "oom|api", Start + TimeSpan.FromMinutes(1), new KafkaCoordinates("logs", 0, 2), Start + TimeSpan.FromDays(1), CancellationToken.None);

        Assert.False(await store.ResolveIncidentAsync("f", read, Start + TimeSpan.FromMinutes(20), "sweep", CancellationToken.None));
        Assert.Single(await store.OpenIncidentsAsync("f", CancellationToken.None));
    }

    [Fact]
    public async Task Firing_again_while_open_keeps_the_opening_and_after_resolving_opens_anew()
    {
        var store = await StoreAsync();
        await store.OpenIncidentAsync("f", Opened("oom|api", Start), Start + TimeSpan.FromDays(1), CancellationToken.None);
        await store.OpenIncidentAsync("f", Opened("oom|api", Start + TimeSpan.FromMinutes(5), by: "request-2", offset: 7), Start + TimeSpan.FromDays(1), CancellationToken.None);
        var open = Assert.Single(await store.OpenIncidentsAsync("f", CancellationToken.None));
        await store.ResolveIncidentAsync("f", open, Start + TimeSpan.FromMinutes(30), "sweep", CancellationToken.None);
        // Touching a resolved incident does not bring it back; firing does.
        await store.TouchIncidentAsync("f", "oom|api", Start + TimeSpan.FromMinutes(31), new KafkaCoordinates("logs", 0, 8), Start + TimeSpan.FromDays(1), CancellationToken.None);
        var quiet = await store.OpenIncidentsAsync("f", CancellationToken.None);
        await store.OpenIncidentAsync("f", Opened("oom|api", Start + TimeSpan.FromMinutes(40), by: "request-3", offset: 9), Start + TimeSpan.FromDays(1), CancellationToken.None);
        var reopened = Assert.Single(await store.OpenIncidentsAsync("f", CancellationToken.None));

        Assert.Equal((Start, "request-1", Start + TimeSpan.FromMinutes(5), 7L), (open.OpenedAt, open.OpenedBy, open.LastMatch, open.LastTrigger.Offset));
        Assert.Empty(quiet);
        Assert.Equal((Start + TimeSpan.FromMinutes(40), "request-3"), (reopened.OpenedAt, reopened.OpenedBy));
    }

    [Fact]
    public async Task Touching_a_group_that_never_fired_creates_nothing()
    {
        var store = await StoreAsync();

        await store.TouchIncidentAsync("f", "oom|api", Start, new KafkaCoordinates("logs", 0, 1), Start + TimeSpan.FromDays(1), CancellationToken.None);

        Assert.Empty(await store.OpenIncidentsAsync("f", CancellationToken.None));
    }

    [Fact]
    public async Task An_outcome_keeps_the_links_it_gave_people_and_a_claim_made_done_holds_against_other_triggers_only_while_held()
    {
        var store = await StoreAsync();
        await store.ClaimAsync("k", Claim("first", "logs-0@1", Start), CancellationToken.None);
        await store.RecordOutcomeAsync("k", "first", LedgerState.Succeeded, "dispatched", Start, release: false,
            new Dictionary<string, string> { ["run"] = "https://github.com/acme/shop/actions/runs/7" }, CancellationToken.None);
        await store.ClaimAsync("done", new LedgerClaim("n", "logs-0@1", Start, Start + Cooldown, Start, LedgerState.Succeeded), CancellationToken.None);

        var entry = await store.ReadAsync("k", CancellationToken.None);
        var sameTrigger = await store.ClaimAsync("done", new LedgerClaim("m", "logs-0@1", Start + Cooldown, Start + Cooldown * 2, Start + Cooldown, LedgerState.Succeeded), CancellationToken.None);
        var otherDuring = await store.ClaimAsync("done", new LedgerClaim("m", "logs-0@2", Start + Lease * 2, Start + Cooldown * 2, Start + Lease * 2, LedgerState.Succeeded), CancellationToken.None);
        var otherAfter = await store.ClaimAsync("done", new LedgerClaim("m", "logs-0@2", Start + Cooldown, Start + Cooldown * 2, Start + Cooldown, LedgerState.Succeeded), CancellationToken.None);

        Assert.Equal("https://github.com/acme/shop/actions/runs/7", entry!.Links!["run"]);
        Assert.False(sameTrigger.Won);
        Assert.False(otherDuring.Won);
        Assert.True(otherAfter.Won);
    }
}
