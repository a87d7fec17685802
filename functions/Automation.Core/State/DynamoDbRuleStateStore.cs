using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Automation.Core.Aws;

namespace Automation.Core.State;

/// <summary>
/// Thresholds and cooldowns in one DynamoDB table (key schema <c>pk</c> (S) + <c>sk</c> (S), TTL on attribute
/// <c>expires_at</c>), shared by every Lambda environment that reads the topic.
/// <para>
/// Counters: one item per (key, bucket): <c>pk = "count#" + key</c>, <c>sk</c> = the bucket start in UTC ticks,
/// zero-padded to 19 digits so sort-key order is time order. <see cref="AddAndCountAsync"/> makes one atomic
/// <c>UpdateItem ADD n</c> per bucket in the additions, then one strongly consistent <c>Query</c> of the window's
/// buckets (more only if the result passes 1 MB, which a window of a few buckets never does): per rule and group
/// and batch that is <c>additions.Count + 1</c> calls, and the engine sends at most a handful of buckets per batch.
/// Buckets expire by TTL at bucket start + window + <see cref="ExpiryMargin"/>, after they have left every window.
/// </para>
/// <para>
/// Claims: one item per key, <c>pk = "claim#" + key</c>, <c>sk = "claim"</c>, written by a conditional <c>PutItem</c>
/// that only succeeds when no claim exists or the existing one has run out, so of any number of concurrent callers
/// exactly one wins. Attributes <c>until</c> and <c>claimed_at</c> (epoch milliseconds), <c>expires_at</c> (TTL).
/// </para>
/// Keys may be any text; they are bounded (<see cref="StateItemKeys"/>) and never logged. Retries are the SDK's
/// (standard mode, see <see cref="AwsClients"/>); an error that outlasts them propagates, so the batch fails rather
/// than acting unclaimed.
/// </summary>
public sealed class DynamoDbRuleStateStore : IRuleStateStore
{
    /// <summary>The environment variable naming the state table (set by the deployment template).</summary>
    public const string TableEnvironmentVariable = "STATE_TABLE";

    /// <summary>How long items outlive their use before TTL may delete them (TTL deletion is lazy anyway).</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromHours(1);

    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string ExpiresAt = "expires_at";
    internal const string ClaimSortKey = "claim";

    private readonly IAmazonDynamoDB _client;
    private readonly string _tableName;

    public DynamoDbRuleStateStore(IAmazonDynamoDB client, string tableName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        _client = client;
        _tableName = tableName;
    }

    /// <summary>
    /// A store on the table named by <see cref="TableEnvironmentVariable"/>, with a client from
    /// <see cref="AwsClients.CreateDynamoDb"/> (region, endpoint and credentials the standard way).
    /// </summary>
    public static DynamoDbRuleStateStore FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var table = environment(TableEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(table))
        {
            throw new InvalidOperationException($"{TableEnvironmentVariable} is not set: it must name the DynamoDB state table.");
        }
        return new DynamoDbRuleStateStore(AwsClients.CreateDynamoDb(), table);
    }

    public async Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(additions);
        var pk = "count#" + StateItemKeys.Bounded(key);

        // Each bucket is its own item, so the updates are independent and can run together.
        await Task.WhenAll(additions
            .GroupBy(a => a.BucketStart.UtcTicks)
            .Select(bucket => AddToBucketAsync(pk, bucket.Key, bucket.Sum(a => a.Count), within, cancellationToken))).ConfigureAwait(false);

        // The window holds the buckets starting after windowEnd - within and not after windowEnd; BETWEEN is
        // inclusive, and ticks are the finest resolution of a DateTimeOffset, so start one tick later.
        var request = new QueryRequest
        {
            TableName = _tableName,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk AND #sk BETWEEN :from AND :to",
            ProjectionExpression = "#n",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#sk"] = SortKey, ["#n"] = "n" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":pk"] = new() { S = pk },
                [":from"] = new() { S = BucketSortKey((windowEnd - within).UtcTicks + 1) },
                [":to"] = new() { S = BucketSortKey(windowEnd.UtcTicks) },
            },
        };

        long total = 0;
        do
        {
            var response = await _client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                if (item.TryGetValue("n", out var n) && n.N is { } number)
                {
                    total += long.Parse(number, NumberStyles.Integer, CultureInfo.InvariantCulture);
                }
            }
            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });
        return total;
    }

    public async Task<bool> TryClaimAsync(string key, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var until = now + duration;
        var request = new PutItemRequest
        {
            TableName = _tableName,
            Item = new Dictionary<string, AttributeValue>
            {
                [PartitionKey] = new() { S = "claim#" + StateItemKeys.Bounded(key) },
                [SortKey] = new() { S = ClaimSortKey },
                ["until"] = Number(until.ToUnixTimeMilliseconds()),
                ["claimed_at"] = Number(now.ToUnixTimeMilliseconds()),
                [ExpiresAt] = Number(EpochSecondsCeiling(until + ExpiryMargin)),
            },
            // A claim is free when none exists or the last one has run out ("until" <= now, as in the in-memory store).
            ConditionExpression = "attribute_not_exists(#pk) OR #until <= :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#until"] = "until" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = Number(now.ToUnixTimeMilliseconds()) },
        };
        try
        {
            await _client.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private Task AddToBucketAsync(string pk, long bucketTicks, long count, TimeSpan within, CancellationToken cancellationToken)
    {
        var bucketStart = new DateTimeOffset(bucketTicks, TimeSpan.Zero);
        return _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _tableName,
            Key = new Dictionary<string, AttributeValue>
            {
                [PartitionKey] = new() { S = pk },
                [SortKey] = new() { S = BucketSortKey(bucketTicks) },
            },
            UpdateExpression = "ADD #n :count SET #ttl = :ttl",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#n"] = "n", ["#ttl"] = ExpiresAt },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":count"] = Number(count),
                [":ttl"] = Number(EpochSecondsCeiling(bucketStart + within + ExpiryMargin)),
            },
        }, cancellationToken);
    }

    internal static string BucketSortKey(long utcTicks) => utcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static long EpochSecondsCeiling(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return (ms + 999) / 1000;
    }

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
