using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Automation.Core.Rules.Decisions;
using Automation.Core.State;
using Automation.Testing;

namespace Automation.Core.Tests.State;

[Collection(MotoCollection.Name)]
public sealed class DynamoDbRuleStateStoreTests(MotoServer moto)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Counts_over_many_batches_and_window_boundaries_equal_the_in_memory_store()
    {
        using var client = MotoDynamoDb.Client(moto);
        var store = new DynamoDbRuleStateStore(client, await MotoDynamoDb.CreateTableAsync(client));
        var reference = new InMemoryRuleStateStore();
        var random = new Random(4);
        string[] keys = ["count|pods|crashloop|ns/a", "count|pods|crashloop|ns/b", "count|pods|oom|ns/a"];
        var within = TimeSpan.FromMinutes(5);

        // Batches arrive every 0-90 s with matches spread over the preceding minute: buckets enter and leave the
        // window, several per batch, and keys interleave. Each key's window end only moves forward, which is what the
        // in-memory store assumes (it drops buckets once they leave a window).
        var clock = Start;
        var windowEnds = new Dictionary<string, DateTimeOffset>();
        var added = new Dictionary<string, long>();
        var windowsThatDroppedBuckets = 0;
        for (var batch = 0; batch < 60; batch++)
        {
            clock += TimeSpan.FromSeconds(random.Next(0, 91));
            var key = keys[random.Next(keys.Length)];
            var times = Enumerable.Range(0, random.Next(1, 30)).Select(_ => clock - TimeSpan.FromSeconds(random.Next(0, 60))).ToList();
            var additions = times.GroupBy(t => DecisionMaker.BucketStart(t, within))
                .Select(g => new BucketCount(g.Key, g.Count())).ToList();
            var windowEnd = times.Max();
            if (windowEnds.TryGetValue(key, out var previous) && previous > windowEnd)
            {
                windowEnd = previous;
            }
            windowEnds[key] = windowEnd;
            added[key] = added.GetValueOrDefault(key) + times.Count;

            var expected = await reference.AddAndCountAsync(key, additions, within, windowEnd, CancellationToken.None);
            var actual = await store.AddAndCountAsync(key, additions, within, windowEnd, CancellationToken.None);

            Assert.Equal(expected, actual);
            Assert.True(actual > 0);
            windowsThatDroppedBuckets += actual < added[key] ? 1 : 0;
        }
        Assert.True(windowsThatDroppedBuckets > 10, $"only {windowsThatDroppedBuckets} windows crossed a boundary");
    }

    [Fact]
    public async Task A_window_end_that_moves_back_still_counts_the_buckets_of_its_window()
    {
        // Log timestamps may arrive out of order, so a later batch's window can end before an earlier one's: the
        // buckets it covers are still in the table (TTL removes them only after every window has passed).
        using var client = MotoDynamoDb.Client(moto);
        var store = new DynamoDbRuleStateStore(client, await MotoDynamoDb.CreateTableAsync(client));
        var within = TimeSpan.FromMinutes(5);

        Assert.Equal(1, await store.AddAndCountAsync("k", [new BucketCount(Start, 1)], within, Start, CancellationToken.None));
        Assert.Equal(2, await store.AddAndCountAsync("k", [new BucketCount(Start + TimeSpan.FromMinutes(10), 2)], within, Start + TimeSpan.FromMinutes(10), CancellationToken.None));
        Assert.Equal(5, await store.AddAndCountAsync("k", [new BucketCount(Start + TimeSpan.FromMinutes(1), 4)], within, Start + TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_window_counts_buckets_after_its_start_and_up_to_its_end()
    {
        using var client = MotoDynamoDb.Client(moto);
        var store = new DynamoDbRuleStateStore(client, await MotoDynamoDb.CreateTableAsync(client));
        var within = TimeSpan.FromMinutes(10);
        BucketCount[] buckets =
        [
            new(Start, 1),                          // exactly at the window start: out
            new(Start + TimeSpan.FromTicks(1), 10), // one tick later: in
            new(Start + within, 100),               // exactly at the window end: in
            new(Start + within + TimeSpan.FromTicks(1), 1000), // after the end: out
        ];

        var count = await store.AddAndCountAsync("k", buckets, within, Start + within, CancellationToken.None);
        var reference = await new InMemoryRuleStateStore().AddAndCountAsync("k", buckets, within, Start + within, CancellationToken.None);

        Assert.Equal(110, count);
        Assert.Equal(reference, count);
    }

    [Fact]
    public async Task Items_carry_the_designed_ttl_and_claim_attributes()
    {
        using var client = MotoDynamoDb.Client(moto);
        var table = await MotoDynamoDb.CreateTableAsync(client);
        var store = new DynamoDbRuleStateStore(client, table);
        var within = TimeSpan.FromMinutes(5);
        var bucket = Start + TimeSpan.FromSeconds(30);

        await store.AddAndCountAsync("counter", [new BucketCount(bucket, 3)], within, bucket, CancellationToken.None);
        await store.AddAndCountAsync("counter", [new BucketCount(bucket, 4)], within, bucket, CancellationToken.None);
        await store.ClaimAsync("action", Claim("request-1", Start, TimeSpan.FromMinutes(15)), CancellationToken.None);
        await store.RecordOutcomeAsync("action", "request-1", LedgerState.Succeeded, "done", Start + TimeSpan.FromSeconds(2), release: false, links: null, CancellationToken.None);
        await store.ClaimAsync("once", Claim("request-2", Start, TimeSpan.FromMinutes(1)), CancellationToken.None);
        await store.TryTakeBudgetAsync("budget", 2, TimeSpan.FromMinutes(10), Start, "request-1", CancellationToken.None);

        var counter = await GetAsync(client, table, "count#counter", bucket.UtcTicks.ToString("D19", CultureInfo.InvariantCulture));
        Assert.Equal("7", counter["n"].N);
        Assert.Equal((bucket + within + DynamoDbRuleStateStore.ExpiryMargin).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), counter["expires_at"].N);

        // A ledger entry outlives its cooldown: kept a day, so a batch redelivered late still finds it done.
        var ledger = await GetAsync(client, table, "action#action", "ledger");
        Assert.Equal("request-1", ledger["request_id"].S);
        Assert.Equal("logs-0@7", ledger["trigger"].S);
        Assert.Equal("succeeded", ledger["state"].S);
        Assert.Equal("done", ledger["detail"].S);
        Assert.Equal(Ms(Start), ledger["claimed_at"].N);
        Assert.Equal(Ms(Start + TimeSpan.FromMinutes(15)), ledger["until"].N);
        Assert.Equal(Ms(Start + TimeSpan.FromMinutes(1)), ledger["lease_until"].N);
        Assert.Equal(Ms(Start + TimeSpan.FromSeconds(2)), ledger["outcome_at"].N);
        Assert.Equal(Seconds(Start + DynamoDbRuleStateStore.LedgerRetention + DynamoDbRuleStateStore.ExpiryMargin), ledger["expires_at"].N);

        var slot = await GetAsync(client, table, "budget#budget", "slot#0000");
        Assert.Equal("request-1", slot["request_id"].S);
        Assert.Equal(Ms(Start + TimeSpan.FromMinutes(10)), slot["until"].N);
        Assert.Equal(Seconds(Start + TimeSpan.FromMinutes(10) + DynamoDbRuleStateStore.ExpiryMargin), slot["expires_at"].N);

        var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table });
        Assert.Equal(DynamoDbRuleStateStore.ExpiresAt, ttl.TimeToLiveDescription.AttributeName);
    }

    [Fact]
    public async Task Long_and_hostile_keys_work_and_stay_distinct()
    {
        using var client = MotoDynamoDb.Client(moto);
        var store = new DynamoDbRuleStateStore(client, await MotoDynamoDb.CreateTableAsync(client));
        var longA = new string('x', 100_000) + "a";
        var longB = new string('x', 100_000) + "b";
        string[] keys =
        [
            longA, longB,
            string.Concat(Enumerable.Repeat("\U0001F4A5", 3000)), // 4-byte UTF-8 characters, far over every limit
            "a\uD800", "a\uDC00",                                  // lone surrogates that UTF-8 would merge
            "nul\0tab\tnewline\n\"quote\" #sk claim# count#",
        ];

        foreach (var key in keys)
        {
            Assert.True((await store.ClaimAsync(key, Claim("r", Start, TimeSpan.FromMinutes(1)), CancellationToken.None)).Won);
            Assert.True((await store.TryTakeBudgetAsync(key, 1, TimeSpan.FromMinutes(1), Start, "r", CancellationToken.None)).Taken);
            Assert.Equal(2, await store.AddAndCountAsync(key, [new BucketCount(Start, 2)], TimeSpan.FromMinutes(1), Start, CancellationToken.None));
        }
        foreach (var key in keys)
        {
            Assert.False((await store.ClaimAsync(key, Claim("other", Start, TimeSpan.FromMinutes(1)), CancellationToken.None)).Won);
            Assert.False((await store.TryTakeBudgetAsync(key, 1, TimeSpan.FromMinutes(1), Start, "other", CancellationToken.None)).Taken);
        }
    }

    [Fact]
    public async Task Each_operation_makes_the_calls_the_design_says()
    {
        var http = new CountingHttpClientFactory();
        using var client = MotoDynamoDb.Client(moto, http);
        var store = new DynamoDbRuleStateStore(client, await MotoDynamoDb.CreateTableAsync(client));
        var within = TimeSpan.FromMinutes(6);
        BucketCount[] additions = [new(Start, 1), new(Start + TimeSpan.FromMinutes(1), 2), new(Start + TimeSpan.FromMinutes(2), 3)];
        http.Reset();

        var count = await store.AddAndCountAsync("k", additions, within, Start + TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.Equal(6, count);
        Assert.Equal(3, http.Count("UpdateItem"));
        Assert.Equal(1, http.Count("Query"));
        Assert.Equal(4, http.Total);

        http.Reset();
        Assert.True((await store.ClaimAsync("k", Claim("r", Start, within), CancellationToken.None)).Won);
        Assert.False((await store.ClaimAsync("k", Claim("s", Start, within), CancellationToken.None)).Won);
        Assert.True(await store.RecordOutcomeAsync("k", "r", LedgerState.Succeeded, "", Start, release: false, links: null, CancellationToken.None));
        Assert.Equal((2, 1, 3), (http.Count("PutItem"), http.Count("UpdateItem"), http.Total));

        // A budget unit: one query for the slots in use, one write for a free one.
        http.Reset();
        Assert.True((await store.TryTakeBudgetAsync("b", 5, within, Start, "r", CancellationToken.None)).Taken);
        Assert.Equal((1, 1, 2), (http.Count("Query"), http.Count("PutItem"), http.Total));
    }

    private static LedgerClaim Claim(string requestId, DateTimeOffset now, TimeSpan cooldown) =>
        new(requestId, "logs-0@7", now, now + cooldown, now + TimeSpan.FromMinutes(1), LedgerState.Claimed);

    private static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, AttributeValue>> GetAsync(IAmazonDynamoDB client, string table, string pk, string sk)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            ConsistentRead = true,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = pk }, ["sk"] = new() { S = sk } },
        });
        Assert.True(response.IsItemSet, $"no item {pk}/{sk}");
        return response.Item;
    }
}
