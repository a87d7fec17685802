using Automation.Core.Telemetry;
using Automation.Functions.Tests.Forwarding;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Metrics;

/// <summary>LogForwarderFunction as Lambda builds it: its document metrics agree with what OpenSearch actually stored.</summary>
public sealed class ForwarderMetricsTests
{
    private const string Rules = """
        version: 1
        rules:
          - id: errors
            match: { field: level, equals: error }
        forwarding:
          aggregates: { enabled: false }
        """;

    [Fact]
    public async Task Indexed_and_dead_lettered_documents_are_counted_as_OpenSearch_stored_them()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, Rules,
            extra: new Dictionary<string, string> { [MetricsOptions.NamespaceVariable] = "Shop/Logs" });
        // Every 7th record has a text status that the number mapping refuses: dead-lettered.
        var records = LogValues.Records(40, TimeSpan.FromSeconds(1), badEvery: 7);

        Assert.Empty(await forwarder.InvokeAsync(records));

        var lines = EmfSpecification.Lines(forwarder.Log.ToString());
        Assert.All(lines, l => Assert.Equal(("Shop/Logs", "LogForwarderFunction"), (l.Namespace, l.Dimension(MetricNames.Function))));
        var documents = Assert.Single(lines, l => l.Metrics.ContainsKey(MetricNames.DocumentsIndexed));
        Assert.Equal(["Function"], documents.SetNames);
        var stored = server.Documents("logs-2026.11.27").Count;
        var deadLetters = server.Documents("logs-dead-letter-").Count;
        Assert.True(deadLetters > 0, "the batch should have dead-lettered some documents");
        Assert.Equal(stored, documents.Value(MetricNames.DocumentsIndexed));
        Assert.Equal(deadLetters, documents.Value(MetricNames.DocumentsDeadLettered));
        Assert.Equal(records.Count, documents.Value(MetricNames.DocumentsIndexed) + documents.Value(MetricNames.DocumentsDeadLettered));

        // The shared batch line is there too, for the same records.
        var batch = Assert.Single(lines, l => l.Metrics.ContainsKey(MetricNames.RecordsIn));
        Assert.Equal(records.Count, batch.Value(MetricNames.RecordsIn));
    }
}
