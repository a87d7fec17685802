using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>Which records are forwarded, where to, and what a document holds.</summary>
public sealed class SelectionTests
{
    [Fact]
    public async Task Matched_mode_forwards_only_forward_rule_matches_to_their_index_and_drop_rules_win()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, """
            version: 1
            rules:
              - id: errors-forward
                match: { field: level, equals: error }
                actions:
                  - type: forward
                    index: errors-%{yyyy.MM}
              - id: payments-forward
                match: { field: kubernetes.labels.app, equals: payments }
                actions:
                  - type: forward
              - id: noise
                match: { contains: "request 3 " }
            forwarding:
              records: matched
              drop: [noise]
              aggregates: { enabled: false }
            """);
        var records = LogValues.Records(12, TimeSpan.FromSeconds(1));

        Assert.Empty(await forwarder.InvokeAsync(records));

        // Errors are i % 3 == 0, payments i odd; record 3 is both but dropped.
        var errors = server.Documents("errors-2026.11");
        var payments = server.Documents("logs-2026.11.27");
        Assert.Equal(["k8s-logs-0-100", "k8s-logs-0-103", "k8s-logs-1-104"], errors.Keys.Select(k => k.Id).Order());
        Assert.Equal(["k8s-logs-1-100", "k8s-logs-1-102", "k8s-logs-1-103", "k8s-logs-1-104", "k8s-logs-1-105"], payments.Keys.Select(k => k.Id).Order());
        Assert.Equal(8, server.Documents().Count);
        var both = errors[("errors-2026.11", "k8s-logs-1-104")];
        Assert.Equal(["errors-forward", "payments-forward"], ((JsonArray)both["rules"]!).Select(r => (string)r!));
        Assert.Equal(both.ToJsonString(), payments[("logs-2026.11.27", "k8s-logs-1-104")].ToJsonString());
    }

    [Fact]
    public async Task A_document_holds_the_record_its_pod_its_fields_with_safe_names_its_place_in_kafka_and_its_rules()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules:\n  - id: errors\n    match: { field: level, equals: error }\n");
        var records = LogValues.Records(1, TimeSpan.FromSeconds(1));

        Assert.Empty(await forwarder.InvokeAsync(records));

        var doc = server.Documents("logs-2026.11.27")[("logs-2026.11.27", "k8s-logs-0-100")];
        Assert.Equal("2026-11-27T12:00:00Z", (string)doc["@timestamp"]!);
        Assert.Equal("error", (string)doc["level"]!);
        Assert.Equal("stdout", (string)doc["stream"]!);
        Assert.Equal("checkout-7d9f8b6c5d-x1", (string)doc["kubernetes"]!["pod_name"]!);
        Assert.Equal("checkout", (string)doc["kubernetes"]!["labels"]!["app_kubernetes_io/name"]!);
        Assert.Equal(200, (int)doc["fields"]!["status"]!);
        Assert.Equal("request 0 served", (string)doc["fields"]!["msg"]!);
        Assert.Equal(7, (int)doc["fields"]!["user"]!["id"]!);
        Assert.Equal(["a", "b"], ((JsonArray)doc["fields"]!["user"]!["tags"]!).Select(t => (string)t!));
        Assert.Equal(new JsonObject { ["topic"] = "k8s-logs", ["partition"] = 0, ["offset"] = 100 }.ToJsonString(), doc["kafka"]!.ToJsonString());
        Assert.Equal(["errors"], ((JsonArray)doc["rules"]!).Select(r => (string)r!));
        Assert.Null(doc["fields_truncated"]);
    }

    [Fact]
    public async Task One_huge_record_cannot_explode_the_mapping_deep_objects_become_text_and_values_are_capped()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules: []\n");
        var wide = string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"f{i}\":{i}"));
        var value = System.Text.Encoding.UTF8.GetBytes("{\"message\":\"big\",\"deep\":{\"a\":{\"b\":{\"c\":{\"d\":1}}}}," + wide + "}");
        var record = new KafkaRecord("app-json", 0, 5, LogValues.Start, "CREATE_TIME", null, value, []);

        Assert.Empty(await forwarder.InvokeAsync([record]));

        var doc = Assert.Single(server.Documents("logs-")).Value;
        var fields = (JsonObject)doc["fields"]!;
        Assert.Equal("{\"c\":{\"d\":1}}", (string)fields["deep"]!["a"]!["b"]!);
        Assert.True((bool)doc["fields_truncated"]!);
        Assert.InRange(fields.Count, 50, 100);
        Assert.Equal("app-json-0-5", Assert.Single(server.Documents("logs-")).Key.Id);
    }

    [Fact]
    public async Task A_data_stream_gets_create_actions_and_a_redelivered_batch_counts_409_as_stored()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules: []\nforwarding:\n  data_stream: logs-k8s\n  aggregates: { enabled: false }\n");
        var records = LogValues.Records(6, TimeSpan.FromSeconds(1));

        Assert.Empty(await forwarder.InvokeAsync(records));
        Assert.Empty(await forwarder.InvokeAsync(records));

        Assert.Equal(6, server.Documents("logs-k8s").Count);
        Assert.Equal(6, server.Requests[1].FailedItems); // every item answered 409 the second time ...
        Assert.Empty(server.Documents("logs-dead-letter-")); // ... and none of them was taken for a failure
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Requests_are_cut_by_size_and_gzip_can_be_turned_off()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules: []\nforwarding:\n  aggregates: { enabled: false }\n  bulk: { max_bytes: 4KiB, gzip: false }\n",
            options: ForwarderHarness.FastRetries with { MaxRequestBytes = 4096 });

        Assert.Empty(await forwarder.InvokeAsync(LogValues.Records(40, TimeSpan.FromSeconds(1))));

        Assert.True(server.Requests.Count >= 5, $"{server.Requests.Count} requests");
        Assert.All(server.Requests, r => Assert.False(r.Gzip));
        Assert.All(server.Requests, r => Assert.InRange(r.NdjsonBytes, 1, 4096));
        Assert.Equal(40, server.Requests.Sum(r => r.Items));
        Assert.Equal(40, server.Documents().Count);
    }
}
