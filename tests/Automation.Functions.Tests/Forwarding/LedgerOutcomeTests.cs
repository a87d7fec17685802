using Amazon.Runtime;
using Automation.Core.Configuration;
using Automation.Core.Aws.Secrets;
using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.LogForwarder;
using Automation.LogForwarder.Auth;
using Automation.LogForwarder.Bulk;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>The forward decisions' ledger entries: succeeded when their records were delivered, released when handed back.</summary>
public sealed class LedgerOutcomeTests
{
    // The decision stage claims under the invocation's request id; the sink records under the same one.
    private const string RequestId = "req-ledger";

    private const string Rules = """
        version: 1
        rules:
          - id: errors-forward
            match: { field: level, equals: error }
            actions:
              - type: forward
        forwarding:
          aggregates: { enabled: false }
        """;

    [Fact]
    public async Task A_delivered_forward_decision_is_recorded_as_succeeded()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var (sink, engine, ledger) = Build(server);
        var batch = await ParseAsync(engine, LogValues.Records(6, TimeSpan.FromSeconds(1)));

        var outcome = await sink.ProcessAsync(batch, Context(TimeSpan.FromSeconds(10)), CancellationToken.None);

        Assert.Empty(outcome.Retry);
        var fired = batch.Rules.Decisions.Where(d => d.Outcome == DecisionOutcome.Fired).ToList();
        Assert.NotEmpty(fired);
        foreach (var decision in fired)
        {
            var entry = await ledger.ReadAsync(decision, CancellationToken.None);
            Assert.Equal(LedgerState.Succeeded, entry!.State);
            Assert.Contains("forwarded", entry.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_forward_decision_whose_records_are_handed_back_is_released()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.Enqueue(OpenSearchFault.Hung);
        var (sink, engine, ledger) = Build(server);
        var batch = await ParseAsync(engine, LogValues.Records(6, TimeSpan.FromSeconds(1)));

        var outcome = await sink.ProcessAsync(batch, Context(TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.Equal(6, outcome.Retry.Count);
        foreach (var decision in batch.Rules.Decisions.Where(d => d.Outcome == DecisionOutcome.Fired))
        {
            // Released: the claim is gone, so the redelivered batch claims and records it again.
            var entry = await ledger.ReadAsync(decision, CancellationToken.None);
            Assert.Equal((LedgerState.Failed, true), (entry!.State, entry.Released));
        }
        var again = await ParseAsync(engine, LogValues.Records(6, TimeSpan.FromSeconds(1)));
        Assert.Contains(again.Rules.Decisions, d => d.Outcome == DecisionOutcome.Fired);
    }

    private static (ForwardSink Sink, RuleEngine Engine, ActionLedger Ledger) Build(FakeOpenSearch server)
    {
        var rules = RulesLoader.Parse(Rules, "rules.yaml");
        var store = new InMemoryRuleStateStore();
        var time = TimeProvider.System;
        var ledger = new ActionLedger(store, time);
        var services = new FunctionServices(
            new FunctionSettings(LogForwarderFunction.LogicalId, ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml"),
            rules, new JsonLog(TextWriter.Null, time), FunctionSecrets.None, ledger, time);
        var auth = new SigV4Auth(ForwarderHarness.Region, "es", new BasicAWSCredentials(ForwarderHarness.AccessKey, ForwarderHarness.SecretKey), time);
        var client = new OpenSearchClient(new HttpClient(), server.Endpoint, auth, gzip: true);
        var sender = new BulkSender(client, time, ForwarderHarness.FastRetries, () => 0.5);
        var sink = new ForwardSink(services, rules.Forwarding ?? ForwardingSettings.Default, rules.Rules, sender);
        var engine = new RuleEngine(rules, store, time, DecisionScope.ForFunction(LogForwarderFunction.LogicalId), dryRun: false);
        return (sink, engine, ledger);
    }

    private static async Task<ParsedBatch> ParseAsync(RuleEngine engine, List<KafkaRecord> records)
    {
        var kafka = KafkaEventDecoder.Decode(KafkaEventWriter.Write(records));
        var logs = new List<LogRecord>();
        var parser = new LogRecordParser();
        foreach (var record in kafka.Records)
        {
            parser.Parse(record, logs);
        }
        var evaluation = await engine.EvaluateAsync(logs, new Invocation(RequestId, TimeProvider.System.GetUtcNow().AddSeconds(30)), CancellationToken.None);
        return new ParsedBatch(kafka, logs, evaluation);
    }

    private static LambdaContext Context(TimeSpan deadline) =>
        new(RequestId, TimeProvider.System.GetUtcNow() + deadline, null, null);
}
