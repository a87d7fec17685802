using Automation.Core.Kafka;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Automation.Core.Aws;
using Automation.Core.Telemetry;
using Polly;

namespace Automation.Core.State;

/// <summary>
/// Thresholds, the action ledger and budgets in one DynamoDB table (key schema <c>pk</c> (S) + <c>sk</c> (S), TTL on
/// attribute <c>expires_at</c>), shared by every Lambda environment that reads the topic.
/// <para>
/// Counters: one item per (key, bucket): <c>pk = "count#" + key</c>, <c>sk</c> = the bucket start in UTC ticks,
/// zero-padded to 19 digits so sort-key order is time order. <see cref="AddAndCountAsync"/> makes one atomic
/// <c>UpdateItem ADD n</c> per bucket in the additions, then one strongly consistent <c>Query</c> of the window's
/// buckets (more only if the result passes 1 MB, which a window of a few buckets never does): per rule and group
/// and batch that is <c>additions.Count + 1</c> calls, and the engine sends at most a handful of buckets per batch.
/// Buckets expire by TTL at bucket start + window + <see cref="ExpiryMargin"/>, after they have left every window.
/// </para>
/// <para>
/// Ledger: one item per action key, <c>pk = "action#" + key</c>, <c>sk = "ledger"</c>, written by one conditional
/// <c>PutItem</c> that succeeds only when no entry exists, the entry ran out, or it was abandoned (see
/// <see cref="IRuleStateStore.ClaimAsync"/>), and never over a finished entry of the same trigger: of any number of
/// concurrent or retried claimants exactly one wins, and the old item (<c>ALL_OLD</c>, also on a failed condition)
/// tells the others who holds it. Attributes <c>request_id</c>, <c>trigger</c>, <c>state</c>, <c>claimed_at</c>,
/// <c>until</c>, <c>lease_until</c>, then <c>outcome_at</c>, <c>detail</c> and <c>released</c> (times in epoch milliseconds). Entries
/// are kept at least <see cref="LedgerRetention"/> after their claim, so a batch redelivered within a day is recognised.
/// </para>
/// <para>
/// Budgets: a budget of N is N slot items, <c>pk = "budget#" + scope</c>, <c>sk = "slot#0000"</c>...: taking a unit
/// is a conditional <c>PutItem</c> on a free slot (none, or run out), found by one consistent <c>Query</c>. At most N
/// slots are held at any moment and each is held for the window, so at most N units are taken in any window.
/// </para>
/// <para>
/// Incidents: one item per rule and group of a function, <c>pk = "incident#" + scope</c>, <c>sk = key</c>, opened by
/// an <c>UpdateItem</c> when the rule fires, its <c>last_match</c> moved on by a conditional <c>UpdateItem</c> (only
/// while open) when the group matches, all of a function's open ones read by one consistent <c>Query</c>, and resolved
/// by an <c>UpdateItem</c> conditional on the opening and last match read, which also removes the opening, so the next
/// firing opens anew.
/// </para>
/// Keys may be any text; they are bounded (<see cref="StateItemKeys"/>) and never logged. Every call goes through one
/// Polly retry pipeline (<see cref="StateStoreRetry"/>; the SDK's own retries are off); an error that outlasts it
/// propagates, so the batch fails rather than acting unclaimed. A conditional write whose first attempt landed but
/// whose answer was lost is recognised on retry by its own request id and time, and counts as won. (A counter
/// <c>ADD</c> retried that way counts its matches twice: thresholds err towards acting, cooldowns still hold.)
/// </summary>
public sealed class DynamoDbRuleStateStore : IRuleStateStore
{
    /// <summary>The environment variable naming the state table (set by the deployment template).</summary>
    public const string TableEnvironmentVariable = "STATE_TABLE";

    /// <summary>How long items outlive their use before TTL may delete them (TTL deletion is lazy anyway).</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromHours(1);

    /// <summary>How long a ledger entry is kept at least: long enough to recognise a redelivered batch.</summary>
    public static readonly TimeSpan LedgerRetention = TimeSpan.FromDays(1);

    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string ExpiresAt = "expires_at";
    internal const string LedgerSortKey = "ledger";

    private readonly IAmazonDynamoDB _client;
    private readonly string _tableName;
    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _time;

    /// <param name="client">A client whose own retries are off (<see cref="AwsClients.DynamoDbConfig"/>): this store retries.</param>
    /// <param name="log">Where retries are logged; null logs nothing.</param>
    public DynamoDbRuleStateStore(IAmazonDynamoDB client, string tableName, StateStoreRetryOptions? retry = null, TimeProvider? time = null, JsonLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        _client = client;
        _tableName = tableName;
        _time = time ?? TimeProvider.System;
        _retry = StateStoreRetry.Create(retry ?? new StateStoreRetryOptions(), _time, log);
    }

    /// <summary>
    /// A store on the table named by <see cref="TableEnvironmentVariable"/>, with a client from
    /// <see cref="AwsClients.CreateDynamoDb"/> (region, endpoint and credentials the standard way).
    /// </summary>
    public static DynamoDbRuleStateStore FromEnvironment(Func<string, string?>? environment = null, TimeProvider? time = null, JsonLog? log = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var table = environment(TableEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(table))
        {
            throw new InvalidOperationException($"{TableEnvironmentVariable} is not set: it must name the DynamoDB state table.");
        }
        return new DynamoDbRuleStateStore(AwsClients.CreateDynamoDb(), table, time: time, log: log);
    }

    public async Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(additions);
        var pk = "count#" + StateItemKeys.Bounded(key);

        // Each bucket is its own item, so the updates are independent and can run together.
        await Task.WhenAll(additions
            .GroupBy(a => a.BucketStart.UtcTicks)
            .Select(bucket => CallAsync("UpdateItem", token => AddToBucketAsync(pk, bucket.Key, bucket.Sum(a => a.Count), within, token), cancellationToken))).ConfigureAwait(false);

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
            var response = await CallAsync("Query", token => _client.QueryAsync(request, token), cancellationToken).ConfigureAwait(false);
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

    public async Task<ClaimResult> ClaimAsync(string key, LedgerClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(claim);
        var kept = Max(claim.Until, claim.Now + LedgerRetention);
        var request = new PutItemRequest
        {
            TableName = _tableName,
            Item = new Dictionary<string, AttributeValue>
            {
                [PartitionKey] = new() { S = LedgerPartitionKey(key) },
                [SortKey] = new() { S = LedgerSortKey },
                ["request_id"] = new() { S = claim.RequestId },
                ["trigger"] = new() { S = claim.Trigger },
                ["state"] = new() { S = LedgerStates.Name(claim.State) },
                ["claimed_at"] = Number(claim.Now.ToUnixTimeMilliseconds()),
                ["until"] = Number(claim.Until.ToUnixTimeMilliseconds()),
                ["lease_until"] = Number(claim.LeaseUntil.ToUnixTimeMilliseconds()),
                [ExpiresAt] = Number(EpochSecondsCeiling(Max(kept, claim.LeaseUntil) + ExpiryMargin)),
            },
            // Free: no entry, or (ran out, or claimed without outcome past its lease), and never a finished entry of
            // the same trigger (a redelivered batch must find it done, even after the cooldown) unless it was released.
            ConditionExpression = "attribute_not_exists(#pk) OR ((#until <= :now OR (#state = :claimed AND #lease <= :now)) AND (#trigger <> :trigger OR #state = :claimed OR #released = :true))",
            ExpressionAttributeNames = new Dictionary<string, string>
            {
                ["#pk"] = PartitionKey,
                ["#until"] = "until",
                ["#state"] = "state",
                ["#lease"] = "lease_until",
                ["#trigger"] = "trigger",
                ["#released"] = "released",
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":now"] = Number(claim.Now.ToUnixTimeMilliseconds()),
                [":claimed"] = new() { S = LedgerStates.Name(LedgerState.Claimed) },
                [":trigger"] = new() { S = claim.Trigger },
                [":true"] = new() { BOOL = true },
            },
            ReturnValues = ReturnValue.ALL_OLD,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            var response = await CallAsync("PutItem", token => _client.PutItemAsync(request, token), cancellationToken).ConfigureAwait(false);
            return new ClaimResult(true, ToEntry(response.Attributes));
        }
        catch (ConditionalCheckFailedException failed)
        {
            var holder = ToEntry(failed.Item);
            // Our own first attempt landed and its answer was lost: the claim is ours.
            return holder is not null && holder.RequestId == claim.RequestId && holder.ClaimedAt == MillisecondTime(claim.Now)
                ? new ClaimResult(true, null)
                : new ClaimResult(false, holder);
        }
    }

    public async Task<bool> RecordOutcomeAsync(
        string key, string requestId, LedgerState outcome, string detail, DateTimeOffset at, bool release, IReadOnlyDictionary<string, string>? links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = LedgerKey(key),
            UpdateExpression = "SET #state = :state, #outcome_at = :at, #detail = :detail" + (release ? ", #until = :at, #released = :true" : ""),
            ConditionExpression = "#request_id = :request_id",
            ExpressionAttributeNames = new Dictionary<string, string>
            {
                ["#state"] = "state",
                ["#outcome_at"] = "outcome_at",
                ["#detail"] = "detail",
                ["#request_id"] = "request_id",
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":state"] = new() { S = LedgerStates.Name(outcome) },
                [":at"] = Number(at.ToUnixTimeMilliseconds()),
                [":detail"] = new() { S = detail },
                [":request_id"] = new() { S = requestId },
            },
        };
        if (links is { Count: > 0 })
        {
            request.UpdateExpression += ", #links = :links";
            request.ExpressionAttributeNames["#links"] = "links";
            request.ExpressionAttributeValues[":links"] = new() { M = links.ToDictionary(l => l.Key, l => new AttributeValue { S = l.Value }, StringComparer.Ordinal) };
        }
        if (release)
        {
            request.ExpressionAttributeNames["#until"] = "until";
            request.ExpressionAttributeNames["#released"] = "released";
            request.ExpressionAttributeValues[":true"] = new() { BOOL = true };
        }
        try
        {
            await CallAsync("UpdateItem", token => _client.UpdateItemAsync(request, token), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<LedgerEntry?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new GetItemRequest { TableName = _tableName, Key = LedgerKey(key), ConsistentRead = true };
        var response = await CallAsync("GetItem", token => _client.GetItemAsync(request, token), cancellationToken).ConfigureAwait(false);
        return ToEntry(response.Item);
    }

    public async Task<BudgetResult> TryTakeBudgetAsync(string scope, int limit, TimeSpan within, DateTimeOffset now, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var pk = "budget#" + StateItemKeys.Bounded(scope);
        var nowMs = now.ToUnixTimeMilliseconds();

        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        var query = new QueryRequest
        {
            TableName = _tableName,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = new() { S = pk } },
        };
        do
        {
            var response = await CallAsync("Query", token => _client.QueryAsync(query, token), cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                var until = Long(item, "until");
                if (until > nowMs)
                {
                    held[item[SortKey].S] = until;
                }
            }
            query.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (query.ExclusiveStartKey is { Count: > 0 });

        // Slots taken by others between the query and our write fail their condition; the next free slot is tried.
        for (var slot = 0; slot < limit && held.Count < limit; slot++)
        {
            var sk = SlotSortKey(slot);
            if (held.ContainsKey(sk))
            {
                continue;
            }
            var taken = await TryTakeSlotAsync(pk, sk, now, within, requestId, cancellationToken).ConfigureAwait(false);
            if (taken is null)
            {
                return new BudgetResult(true, held.Count + 1, FreesAt: null);
            }
            held[sk] = taken.Value;
        }
        return new BudgetResult(false, held.Count, DateTimeOffset.FromUnixTimeMilliseconds(held.Values.Min()));
    }

    /// <summary>Takes a budget slot; returns null when taken, else until when its holder keeps it.</summary>
    private async Task<long?> TryTakeSlotAsync(string pk, string sk, DateTimeOffset now, TimeSpan within, string requestId, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var request = new PutItemRequest
        {
            TableName = _tableName,
            Item = new Dictionary<string, AttributeValue>
            {
                [PartitionKey] = new() { S = pk },
                [SortKey] = new() { S = sk },
                ["request_id"] = new() { S = requestId },
                ["taken_at"] = Number(nowMs),
                ["until"] = Number((now + within).ToUnixTimeMilliseconds()),
                [ExpiresAt] = Number(EpochSecondsCeiling(now + within + ExpiryMargin)),
            },
            ConditionExpression = "attribute_not_exists(#pk) OR #until <= :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#until"] = "until" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = Number(nowMs) },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            await CallAsync("PutItem", token => _client.PutItemAsync(request, token), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ConditionalCheckFailedException failed)
        {
            var holder = failed.Item;
            var mine = holder is not null && holder.TryGetValue("request_id", out var id) && id.S == requestId && Long(holder, "taken_at") == nowMs;
            return mine ? null : Long(holder, "until");
        }
    }

    public async Task OpenIncidentAsync(string scope, Incident incident, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = IncidentKey(scope, incident.Key),
            // The opening is kept while open (if_not_exists); resolving removes it.
            UpdateExpression = "SET #state = :open, #rule = :rule, #group = :group, #last_match = :last_match, #topic = :topic, #partition = :partition, " +
                "#offset = :offset, #ttl = :ttl, #opened_at = if_not_exists(#opened_at, :opened_at), #opened_by = if_not_exists(#opened_by, :opened_by), " +
                "#dry_run = if_not_exists(#dry_run, :dry_run)",
            ExpressionAttributeNames = IncidentNames(),
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":open"] = new() { S = IncidentOpen },
                [":rule"] = new() { S = incident.RuleId },
                [":group"] = new() { S = incident.Group },
                [":last_match"] = Number(incident.LastMatch.ToUnixTimeMilliseconds()),
                [":topic"] = new() { S = incident.LastTrigger.Topic },
                [":partition"] = Number(incident.LastTrigger.Partition),
                [":offset"] = Number(incident.LastTrigger.Offset),
                [":ttl"] = Number(EpochSecondsCeiling(keepUntil + ExpiryMargin)),
                [":opened_at"] = Number(incident.OpenedAt.ToUnixTimeMilliseconds()),
                [":opened_by"] = new() { S = incident.OpenedBy },
                [":dry_run"] = new() { BOOL = incident.DryRun },
            },
        };
        await CallAsync("UpdateItem", token => _client.UpdateItemAsync(request, token), cancellationToken).ConfigureAwait(false);
    }

    public async Task TouchIncidentAsync(string scope, string key, DateTimeOffset lastMatch, KafkaCoordinates lastTrigger, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var names = IncidentNames();
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = IncidentKey(scope, key),
            UpdateExpression = "SET #last_match = :last_match, #topic = :topic, #partition = :partition, #offset = :offset, #ttl = :ttl",
            ConditionExpression = "#state = :open AND #last_match <= :last_match",
            ExpressionAttributeNames = new Dictionary<string, string>
            {
                ["#state"] = names["#state"],
                ["#last_match"] = names["#last_match"],
                ["#topic"] = names["#topic"],
                ["#partition"] = names["#partition"],
                ["#offset"] = names["#offset"],
                ["#ttl"] = names["#ttl"],
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":open"] = new() { S = IncidentOpen },
                [":last_match"] = Number(lastMatch.ToUnixTimeMilliseconds()),
                [":topic"] = new() { S = lastTrigger.Topic },
                [":partition"] = Number(lastTrigger.Partition),
                [":offset"] = Number(lastTrigger.Offset),
                [":ttl"] = Number(EpochSecondsCeiling(keepUntil + ExpiryMargin)),
            },
        };
        try
        {
            await CallAsync("UpdateItem", token => _client.UpdateItemAsync(request, token), cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // No open incident (never fired, or resolved), or a later match already recorded: nothing to move.
        }
    }

    public async Task<IReadOnlyList<Incident>> OpenIncidentsAsync(string scope, CancellationToken cancellationToken)
    {
        var query = new QueryRequest
        {
            TableName = _tableName,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            // TTL deletes lazily (within days): an item past its expiry is gone as far as the engine is concerned.
            FilterExpression = "#state = :open AND #ttl > :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PartitionKey, ["#state"] = "state", ["#ttl"] = ExpiresAt },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":pk"] = new() { S = IncidentPartitionKey(scope) },
                [":open"] = new() { S = IncidentOpen },
                [":now"] = Number(_time.GetUtcNow().ToUnixTimeSeconds()),
            },
        };
        var open = new List<Incident>();
        do
        {
            var response = await CallAsync("Query", token => _client.QueryAsync(query, token), cancellationToken).ConfigureAwait(false);
            open.AddRange((response.Items ?? []).Select(item => new Incident(
                item[SortKey].S,
                Text(item, "rule") ?? "",
                Text(item, "group") ?? "",
                DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "opened_at")),
                Text(item, "opened_by") ?? "",
                DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "last_match")),
                new KafkaCoordinates(Text(item, "topic") ?? "", (int)Long(item, "partition"), Long(item, "offset")),
                item.TryGetValue("dry_run", out var dryRun) && dryRun.BOOL == true)));
            query.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (query.ExclusiveStartKey is { Count: > 0 });
        return open;
    }

    public async Task<bool> ResolveIncidentAsync(string scope, Incident incident, DateTimeOffset now, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var nowMs = now.ToUnixTimeMilliseconds();
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = IncidentKey(scope, incident.Key),
            UpdateExpression = "SET #state = :resolved, #resolved_at = :now, #resolved_by = :request_id, #ttl = :ttl REMOVE #opened_at, #opened_by, #dry_run",
            ConditionExpression = "#state = :open AND #opened_at = :opened_at AND #last_match = :last_match",
            ExpressionAttributeNames = new Dictionary<string, string>
            {
                ["#state"] = "state",
                ["#resolved_at"] = "resolved_at",
                ["#resolved_by"] = "resolved_by",
                ["#ttl"] = ExpiresAt,
                ["#opened_at"] = "opened_at",
                ["#opened_by"] = "opened_by",
                ["#dry_run"] = "dry_run",
                ["#last_match"] = "last_match",
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":resolved"] = new() { S = "resolved" },
                [":open"] = new() { S = IncidentOpen },
                [":now"] = Number(nowMs),
                [":request_id"] = new() { S = requestId },
                [":ttl"] = Number(EpochSecondsCeiling(now + LedgerRetention + ExpiryMargin)),
                [":opened_at"] = Number(incident.OpenedAt.ToUnixTimeMilliseconds()),
                [":last_match"] = Number(incident.LastMatch.ToUnixTimeMilliseconds()),
            },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            await CallAsync("UpdateItem", token => _client.UpdateItemAsync(request, token), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException failed)
        {
            // Our own first attempt landed and its answer was lost: resolved by us.
            return failed.Item is { } item && Text(item, "resolved_by") == requestId && Long(item, "resolved_at") == nowMs;
        }
    }

    private const string IncidentOpen = "open";

    private static string IncidentPartitionKey(string scope) => "incident#" + StateItemKeys.Bounded(scope);

    private static Dictionary<string, AttributeValue> IncidentKey(string scope, string key) => new()
    {
        [PartitionKey] = new() { S = IncidentPartitionKey(scope) },
        [SortKey] = new() { S = StateItemKeys.Bounded(key) },
    };

    private static Dictionary<string, string> IncidentNames() => new()
    {
        ["#state"] = "state",
        ["#rule"] = "rule",
        ["#group"] = "group",
        ["#last_match"] = "last_match",
        ["#topic"] = "topic",
        ["#partition"] = "partition",
        ["#offset"] = "offset",
        ["#ttl"] = ExpiresAt,
        ["#opened_at"] = "opened_at",
        ["#opened_by"] = "opened_by",
        ["#dry_run"] = "dry_run",
    };

    private Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        return ExecuteAsync(context, call);
    }

    private async Task<T> ExecuteAsync<T>(ResilienceContext context, Func<CancellationToken, Task<T>> call)
    {
        try
        {
            return await _retry.ExecuteAsync(async (ctx, state) => await state(ctx.CancellationToken).ConfigureAwait(false), context, call).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static LedgerEntry? ToEntry(Dictionary<string, AttributeValue>? item)
    {
        if (item is not { Count: > 0 } || !item.ContainsKey("request_id"))
        {
            return null;
        }
        return new LedgerEntry(
            Text(item, "request_id") ?? "",
            Text(item, "trigger") ?? "",
            DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "claimed_at")),
            DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "until")),
            DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "lease_until")),
            LedgerStates.Parse(Text(item, "state")),
            item.ContainsKey("outcome_at") ? DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "outcome_at")) : null,
            Text(item, "detail"),
            item.TryGetValue("released", out var released) && released.BOOL == true,
            item.TryGetValue("links", out var links) && links.M is { Count: > 0 } map
                ? map.Where(l => l.Value.S is not null).ToDictionary(l => l.Key, l => l.Value.S, StringComparer.Ordinal)
                : null);
    }

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var value) ? value.S : null;

    private static long Long(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var value) && value.N is { } number
            ? long.Parse(number, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : 0;

    private static string LedgerPartitionKey(string key) => "action#" + StateItemKeys.Bounded(key);

    private static Dictionary<string, AttributeValue> LedgerKey(string key) => new()
    {
        [PartitionKey] = new() { S = LedgerPartitionKey(key) },
        [SortKey] = new() { S = LedgerSortKey },
    };

    internal static string SlotSortKey(int slot) => "slot#" + slot.ToString("D4", CultureInfo.InvariantCulture);

    private static DateTimeOffset MillisecondTime(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private Task<UpdateItemResponse> AddToBucketAsync(string pk, long bucketTicks, long count, TimeSpan within, CancellationToken cancellationToken)
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
