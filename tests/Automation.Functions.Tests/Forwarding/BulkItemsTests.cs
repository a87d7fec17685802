using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.LogForwarder.Bulk;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

public sealed class BulkItemsTests
{
    [Fact]
    public void An_item_whose_source_fails_to_write_leaves_no_trace_in_the_buffer()
    {
        using var items = new BulkItems(16);
        items.Add(BulkItemKind.Document, "index", "i", "1", [], null, w => { w.WriteStartObject(); w.WriteString("a", "b"); w.WriteEndObject(); });
        var before = items.Bytes;

        Assert.Throws<ArgumentException>(() => items.Add(BulkItemKind.Document, "index", "i", "2", [], null, w =>
        {
            w.WriteStartObject();
            w.WriteString("half", "written");
            throw new ArgumentException("cannot write this");
        }));
        items.Add(BulkItemKind.Document, "create", "i", "3", [], null, w => { w.WriteStartObject(); w.WriteEndObject(); });

        Assert.True(items.Bytes > before);
        Assert.Equal(2, items.Items.Count);
        var lines = Encoding.UTF8.GetString(items.Slice(items.Items[0])) + Encoding.UTF8.GetString(items.Slice(items.Items[1]));
        Assert.Equal(
            ["{\"index\":{\"_index\":\"i\",\"_id\":\"1\"}}", "{\"a\":\"b\"}", "{\"create\":{\"_index\":\"i\",\"_id\":\"3\"}}", "{}", ""],
            lines.Split('\n'));
    }

    [Fact]
    public async Task A_request_larger_than_the_server_takes_is_split()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules: []\nforwarding:\n  aggregates: { enabled: false }\n");
        server.Enqueue(OpenSearchFault.Status(413));

        Assert.Empty(await forwarder.InvokeAsync(LogValues.Records(10, TimeSpan.FromSeconds(1))));

        Assert.Equal([413, 200, 200], server.Requests.Select(r => r.Status));
        Assert.Equal([10, 5, 5], server.Requests.Select(r => r.Items));
        Assert.Equal(10, server.Documents().Count);
    }

    [Fact]
    public async Task The_log_records_of_one_otlp_export_get_numbered_ids()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules:\n  - id: oom\n    match: { contains: OutOfMemory }\n");
        var export = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"api-1"}},{"key":"k8s.namespace.name","value":{"stringValue":"shop"}}]},
             "scopeLogs":[{"logRecords":[
               {"timeUnixNano":"1795780800000000000","severityText":"INFO","body":{"stringValue":"started"}},
               {"timeUnixNano":"1795780801000000000","severityText":"ERROR","body":{"stringValue":"java.lang.OutOfMemoryError"}}]}]}]}
            """;
        var record = new KafkaRecord("otlp-logs", 2, 41, LogValues.Start, "CREATE_TIME", null, Encoding.UTF8.GetBytes(export), []);

        Assert.Empty(await forwarder.InvokeAsync([record]));

        var documents = server.Documents("logs-2026.11.27");
        Assert.Equal(["otlp-logs-2-41-0", "otlp-logs-2-41-1"], documents.Keys.Select(k => k.Id).Order());
        var oom = documents[("logs-2026.11.27", "otlp-logs-2-41-1")];
        Assert.Equal("java.lang.OutOfMemoryError", (string)oom["message"]!);
        Assert.Equal("api-1", (string)oom["kubernetes"]!["pod_name"]!);
        Assert.Equal(["oom"], ((JsonArray)oom["rules"]!).Select(r => (string)r!));
        Assert.Empty(((JsonArray)documents[("logs-2026.11.27", "otlp-logs-2-41-0")]["rules"]!));
    }
}
