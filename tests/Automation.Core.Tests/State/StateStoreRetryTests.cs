using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Automation.Core.Configuration;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.Core.Tests.Pipeline;
using Automation.Testing;

namespace Automation.Core.Tests.State;

/// <summary>
/// The store's calls through a proxy that answers as a throttled or failing DynamoDB would (moto behind it): retried
/// with backoff when transient, and when it never recovers the batch fails before anything acts.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class StateStoreRetryTests(MotoServer moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly StateStoreRetryOptions Quick = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50) };

    private readonly StringWriter _logOutput = new();
    private FaultyDynamoDbProxy _proxy = null!;
    private IAmazonDynamoDB _client = null!;
    private string _table = "";

    public async Task InitializeAsync()
    {
        _proxy = await FaultyDynamoDbProxy.StartAsync(moto.Endpoint);
        var config = MotoDynamoDb.Config(moto);
        config.ServiceURL = _proxy.Endpoint.ToString();
        _client = new AmazonDynamoDBClient(MotoDynamoDb.FakeCredentials, config);
        using var direct = MotoDynamoDb.Client(moto);
        _table = await MotoDynamoDb.CreateTableAsync(direct);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
    }

    private DynamoDbRuleStateStore Store() => new(_client, _table, Quick, TimeProvider.System, new JsonLog(_logOutput, TimeProvider.System));

    private List<JsonElement> Retries() => _logOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement)
        .Where(l => l.GetProperty("message").GetString() == "state store call retried")
        .ToList();

    private static LedgerClaim Claim(string requestId) =>
        new(requestId, "logs-0@7", Start, Start + TimeSpan.FromMinutes(15), Start + TimeSpan.FromMinutes(1), LedgerState.Claimed);

    [Fact]
    public async Task Throttled_and_failing_calls_are_retried_with_backoff_until_they_succeed()
    {
        var store = Store();
        _proxy.Enqueue(DynamoDbFault.Throttle, DynamoDbFault.ServerError);

        var count = await store.AddAndCountAsync("k", [new BucketCount(Start, 4)], TimeSpan.FromMinutes(5), Start, CancellationToken.None);

        Assert.Equal(4, count);
        Assert.Equal(["UpdateItem", "UpdateItem", "UpdateItem", "Query"], _proxy.Requests.Select(r => r.Operation));
        var retries = Retries();
        Assert.Equal(["ProvisionedThroughputExceededException", "InternalServerError"], retries.Select(r => r.GetProperty("error").GetString()));
        Assert.Equal([1, 2], retries.Select(r => r.GetProperty("attempt").GetInt32()));
        Assert.All(retries, r => Assert.InRange(r.GetProperty("delayMs").GetDouble(), 0.001, Quick.MaxDelay.TotalMilliseconds));
        Assert.All(retries, r => Assert.Equal("UpdateItem", r.GetProperty("operation").GetString()));
        // Keys and values never reach the log.
        Assert.DoesNotContain("count#", _logOutput.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_keeps_being_throttled_fails_after_the_last_retry()
    {
        var store = Store();
        _proxy.Always = DynamoDbFault.Throttle;

        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => store.ClaimAsync("k", Claim("r"), CancellationToken.None));

        Assert.Equal(Quick.MaxRetryAttempts + 1, _proxy.Requests.Count);
        Assert.Equal(Quick.MaxRetryAttempts, Retries().Count);
    }

    [Fact]
    public async Task A_failed_condition_is_an_answer_and_is_not_retried()
    {
        var store = Store();
        await store.ClaimAsync("k", Claim("first"), CancellationToken.None);
        var before = _proxy.Requests.Count;

        var lost = await store.ClaimAsync("k", Claim("second"), CancellationToken.None);

        Assert.False(lost.Won);
        Assert.Equal(before + 1, _proxy.Requests.Count);
        Assert.Empty(Retries());
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_recognised_as_won_on_retry()
    {
        var store = Store();
        _proxy.Enqueue(DynamoDbFault.LoseAnswer);

        var claim = await store.ClaimAsync("k", Claim("mine"), CancellationToken.None);

        Assert.True(claim.Won);
        Assert.Equal(2, _proxy.Requests.Count(r => r.Operation == "PutItem"));
        Assert.Equal("mine", (await store.ReadAsync("k", CancellationToken.None))!.RequestId);
        Assert.False((await store.ClaimAsync("k", Claim("other"), CancellationToken.None)).Won);
    }

    [Fact]
    public async Task A_budget_unit_whose_answer_was_lost_is_taken_once()
    {
        var store = Store();
        _proxy.Enqueue(DynamoDbFault.None, DynamoDbFault.LoseAnswer);

        var first = await store.TryTakeBudgetAsync("b", 2, TimeSpan.FromMinutes(10), Start, "mine", CancellationToken.None);
        var second = await store.TryTakeBudgetAsync("b", 2, TimeSpan.FromMinutes(10), Start, "other", CancellationToken.None);

        Assert.Equal((true, 1), (first.Taken, first.InUse));
        Assert.Equal((true, 2), (second.Taken, second.InUse));
    }

    [Fact]
    public async Task When_the_table_stays_throttled_the_batch_fails_and_nothing_reaches_the_action_stage()
    {
        var rules = RulesLoader.Parse("""
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                threshold: { count: 1, within: 5m }
                cooldown: 15m
                actions:
                  - type: restart_pod
            """, "rules.yaml");
        var sink = new RecordingSink();
        var log = new JsonLog(_logOutput, TimeProvider.System);
        var handler = new KafkaBatchHandler(
            new FunctionSettings("TestFunction", ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml"),
            sink, new LogRecordParser(),
            new RuleEngine(rules, Store(), TimeProvider.System, DecisionScope.Everything("TestFunction"), dryRun: false),
            log, TimeProvider.System);
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 1, TestEvents.FluentBitLine("api-1", "java.lang.OutOfMemoryError")));
        _proxy.Always = DynamoDbFault.Throttle;

        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() =>
            handler.HandleAsync(payload, new("req-1", TimeProvider.System.GetUtcNow().AddMinutes(1), null, null), CancellationToken.None));

        // Lambda reports the error and the event source mapping delivers the batch again; nothing acted unclaimed.
        Assert.Empty(sink.Batches);
        Assert.DoesNotContain("\"audit\"", _logOutput.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_proxy.Requests, r => r.Operation == "PutItem");
    }
}
