using System.Text.Json;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Tests.State;
using Automation.Core.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Pipeline;

public sealed class KafkaBatchHandlerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _logOutput = new();

    private KafkaBatchHandler Handler(IBatchSink sink, bool reportBatchItemFailures, RuleSet? rules = null) =>
        new(new FunctionSettings("TestFunction", reportBatchItemFailures, DryRun: true, LogSeverity.Info, "rules.yaml"),
            sink, new LogRecordParser(),
            new RuleEngine(rules ?? new RuleSet("rules.yaml", []), new InMemoryRuleStateStore(), _time, DecisionScope.Everything("TestFunction"), dryRun: true),
            new JsonLog(_logOutput, _time), _time);

    private LambdaContext Context => new("req-1", _time.GetUtcNow().AddMinutes(1), "arn:aws:lambda:us-east-1:123456789012:function:test", null);

    private List<JsonElement> LogLines() =>
        _logOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private JsonElement Summary() => Assert.Single(LogLines(), l => l.GetProperty("message").GetString() == "batch processed");

    [Fact]
    public async Task A_clean_batch_reaches_the_sink_and_answers_an_empty_failure_list()
    {
        var sink = new RecordingSink();
        var payload = TestEvents.Event(
            TestEvents.Record("logs", 0, 10, TestEvents.FluentBitLine("api-1", "started")),
            TestEvents.Record("logs", 1, 11, "plain text line\r\n"));

        var response = await Handler(sink, reportBatchItemFailures: true).HandleAsync(payload, Context, CancellationToken.None);

        using var json = JsonDocument.Parse(response);
        Assert.Equal(0, json.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        var batch = Assert.Single(sink.Batches);
        Assert.Equal([10L, 11L], batch.Kafka.Records.Select(r => r.Offset));
        Assert.Equal(2, batch.Logs.Count);
        var summary = Summary();
        Assert.Equal("TestFunction", summary.GetProperty("function").GetString());
        Assert.Equal("req-1", summary.GetProperty("requestId").GetString());
        Assert.Equal(2, summary.GetProperty("records").GetInt32());
        Assert.Equal(0, summary.GetProperty("decodeFailures").GetInt32());
        Assert.Equal(batch.Kafka.ValueBytes, summary.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Records_the_sink_cannot_finish_are_reported_by_topic_partition_and_offset()
    {
        var sink = new RecordingSink(batch => batch.Kafka.Records.Where(r => r.Offset % 2 == 1).Select(r => r.Coordinates));
        var payload = TestEvents.Event(
            TestEvents.Record("logs", 0, 1, "a"),
            TestEvents.Record("logs", 0, 2, "b"),
            TestEvents.Record("audit", 3, 7, "c"));

        var response = await Handler(sink, reportBatchItemFailures: true).HandleAsync(payload, Context, CancellationToken.None);

        using var json = JsonDocument.Parse(response);
        var failures = json.RootElement.GetProperty("batchItemFailures").EnumerateArray()
            .Select(f => f.GetProperty("itemIdentifier"))
            .Select(id => (id.GetProperty("partition").GetString(), id.GetProperty("offset").GetInt64()))
            .ToList();
        Assert.Equal([("audit-3", 7L), ("logs-0", 1L)], failures);
        Assert.Equal(2, Summary().GetProperty("retried").GetInt32());
    }

    [Fact]
    public async Task Without_partial_responses_a_record_to_retry_fails_the_whole_invocation()
    {
        var sink = new RecordingSink(batch => [batch.Kafka.Records[0].Coordinates]);
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 1, "a"), TestEvents.Record("logs", 0, 2, "b"));

        var error = await Assert.ThrowsAsync<BatchRetryRequiredException>(
            () => Handler(sink, reportBatchItemFailures: false).HandleAsync(payload, Context, CancellationToken.None));

        Assert.Equal(1, error.Records);
        Assert.Contains(FunctionSettings.ReportBatchItemFailuresVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_partial_responses_a_clean_batch_still_succeeds()
    {
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 1, "a"));

        var response = await Handler(new RecordingSink(), reportBatchItemFailures: false).HandleAsync(payload, Context, CancellationToken.None);

        using var json = JsonDocument.Parse(response);
        Assert.Equal(0, json.RootElement.GetProperty("batchItemFailures").GetArrayLength());
    }

    [Fact]
    public async Task An_undecodable_record_is_counted_logged_by_identifier_and_skipped()
    {
        var bad = TestEvents.Record("logs", 0, 5, "x");
        bad["value"] = "%%% not base64 %%%";
        var sink = new RecordingSink();
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 4, "good"), bad, TestEvents.Record("logs", 0, 6, "good too"));

        var response = await Handler(sink, reportBatchItemFailures: true).HandleAsync(payload, Context, CancellationToken.None);

        using var json = JsonDocument.Parse(response);
        Assert.Equal(0, json.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal([4L, 6L], Assert.Single(sink.Batches).Kafka.Records.Select(r => r.Offset));
        var summary = Summary();
        Assert.Equal(3, summary.GetProperty("records").GetInt32());
        Assert.Equal(1, summary.GetProperty("decodeFailures").GetInt32());
        var skipped = Assert.Single(LogLines(), l => l.GetProperty("level").GetString() == "warn");
        Assert.Contains("logs-0", skipped.GetProperty("record").GetString(), StringComparison.Ordinal);
        Assert.Contains("5", skipped.GetProperty("record").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_broken_json_is_counted_and_kept_as_text()
    {
        var sink = new RecordingSink();
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 1, "{\"log\": \"java.lang.OutOfMemoryError\", "));

        await Handler(sink, reportBatchItemFailures: true).HandleAsync(payload, Context, CancellationToken.None);

        Assert.Equal(1, Summary().GetProperty("parseFailures").GetInt32());
        var log = Assert.Single(Assert.Single(sink.Batches).Logs);
        Assert.Contains("OutOfMemoryError", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_lines_are_capped_but_counts_are_not()
    {
        var records = Enumerable.Range(0, KafkaBatchHandler.MaxDetailLinesPerBatch + 15).Select(i =>
        {
            var r = TestEvents.Record("logs", 0, i, "x");
            r["value"] = "***";
            return r;
        }).ToArray();

        await Handler(new RecordingSink(), reportBatchItemFailures: true).HandleAsync(TestEvents.Event(records), Context, CancellationToken.None);

        Assert.Equal(KafkaBatchHandler.MaxDetailLinesPerBatch, LogLines().Count(l => l.GetProperty("level").GetString() == "warn"));
        Assert.Equal(records.Length, Summary().GetProperty("decodeFailures").GetInt32());
    }

    [Fact]
    public async Task Rules_are_evaluated_on_the_batch_audited_per_decision_and_counted_in_the_summary()
    {
        var rules = RulesLoader.Parse("""
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                actions:
                  - type: restart_pod
            """, "rules.yaml");
        var sink = new RecordingSink();
        var payload = TestEvents.Event(
            TestEvents.Record("logs", 0, 1, TestEvents.FluentBitLine("api-1", "java.lang.OutOfMemoryError: Java heap space")),
            TestEvents.Record("logs", 0, 2, TestEvents.FluentBitLine("api-2", "all good")));

        await Handler(sink, reportBatchItemFailures: true, rules).HandleAsync(payload, Context, CancellationToken.None);

        var evaluation = Assert.Single(sink.Batches).Rules;
        Assert.Equal([0], evaluation.Matches.RecordsOf(0));
        var audit = Assert.Single(LogLines(), l => l.TryGetProperty("audit", out _));
        Assert.Equal("oom", audit.GetProperty("rule").GetString());
        Assert.Equal("dry_run", audit.GetProperty("outcome").GetString());
        Assert.Equal("logs-0@1", audit.GetProperty("sample").GetString());
        var summary = Summary();
        Assert.Equal(1, summary.GetProperty("matches").GetInt32());
        Assert.Equal(1, summary.GetProperty("decisions").GetProperty("dry_run").GetInt32());
        Assert.Equal(0, summary.GetProperty("decisions").GetProperty("fired").GetInt32());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_batch_whose_action_another_invocation_is_still_completing_is_delivered_again(bool reportBatchItemFailures)
    {
        var rules = RulesLoader.Parse("""
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                cooldown: 15m
                actions:
                  - type: restart_pod
            """, "rules.yaml");
        var store = new InMemoryRuleStateStore();
        KafkaBatchHandler Live() => new(
            new FunctionSettings("TestFunction", reportBatchItemFailures, DryRun: false, LogSeverity.Info, "rules.yaml"),
            new RecordingSink(), new LogRecordParser(),
            new RuleEngine(rules, store, _time, DecisionScope.Everything("TestFunction"), dryRun: false),
            new JsonLog(_logOutput, _time), _time);
        var payload = TestEvents.Event(
            TestEvents.Record("logs", 0, 1, TestEvents.FluentBitLine("api-1", "started")),
            TestEvents.Record("logs", 0, 2, TestEvents.FluentBitLine("api-1", "java.lang.OutOfMemoryError")));

        // The first invocation claims the restart and has not recorded an outcome (it is acting, or died doing so).
        await Live().HandleAsync(payload, Context, CancellationToken.None);
        var retried = new LambdaContext("req-2", _time.GetUtcNow().AddMinutes(1), null, null);

        if (reportBatchItemFailures)
        {
            using var response = JsonDocument.Parse(await Live().HandleAsync(payload, retried, CancellationToken.None));
            var failure = Assert.Single(response.RootElement.GetProperty("batchItemFailures").EnumerateArray());
            Assert.Equal("logs-0", failure.GetProperty("itemIdentifier").GetProperty("partition").GetString());
            Assert.Equal(2, failure.GetProperty("itemIdentifier").GetProperty("offset").GetInt64());
        }
        else
        {
            await Assert.ThrowsAsync<BatchRetryRequiredException>(() => Live().HandleAsync(payload, retried, CancellationToken.None));
        }
        var audits = LogLines().Where(l => l.TryGetProperty("audit", out _)).ToList();
        Assert.Equal(["fired", "in_progress"], audits.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal(["req-1", "req-2"], audits.Select(a => a.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task When_the_state_store_keeps_failing_the_whole_batch_fails_and_no_action_is_decided()
    {
        var rules = RulesLoader.Parse("""
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                cooldown: 15m
                actions:
                  - type: restart_pod
            """, "rules.yaml");
        var sink = new RecordingSink();
        var handler = new KafkaBatchHandler(
            new FunctionSettings("TestFunction", ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml"),
            sink, new LogRecordParser(),
            new RuleEngine(rules, new UnavailableStore(), _time, DecisionScope.Everything("TestFunction"), dryRun: false),
            new JsonLog(_logOutput, _time), _time);
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 1, TestEvents.FluentBitLine("api-1", "java.lang.OutOfMemoryError")));

        await Assert.ThrowsAsync<TimeoutException>(() => handler.HandleAsync(payload, Context, CancellationToken.None));

        // Lambda retries the batch; nothing reached the action stage unclaimed.
        Assert.Empty(sink.Batches);
        Assert.DoesNotContain(LogLines(), l => l.TryGetProperty("audit", out _));
    }

    private sealed class UnavailableStore() : DelegatingStateStore(new InMemoryRuleStateStore())
    {
        public override Task<long> AddAndCountAsync(string key, IReadOnlyList<BucketCount> additions, TimeSpan within, DateTimeOffset windowEnd, CancellationToken cancellationToken) =>
            throw new TimeoutException("state store unavailable");

        public override Task<ClaimResult> ClaimAsync(string key, LedgerClaim claim, CancellationToken cancellationToken) =>
            throw new TimeoutException("state store unavailable");
    }

    [Fact]
    public async Task A_hostile_log_line_cannot_forge_fields_in_our_own_log()
    {
        var sink = new RecordingSink();
        var hostile = "{\"log\": \"x\", \"level\":\"info\"}\n{\"message\":\"batch processed\",\"records\":999}";
        var payload = TestEvents.Event(TestEvents.Record("logs", 0, 1, hostile));

        await Handler(sink, reportBatchItemFailures: true).HandleAsync(payload, Context, CancellationToken.None);

        Assert.Equal(1, Summary().GetProperty("records").GetInt32());
    }
}
