using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>The <c>fields</c> of documents from OTLP records, and the bounds that hold for every kind of record.</summary>
public sealed class DocumentFieldsTests
{
    private const string NoRules = "version: 1\nrules: []\nforwarding:\n  aggregates: { enabled: false }\n";

    private static KafkaRecord Otlp(string export, long offset = 41) =>
        new("otlp-logs", 2, offset, LogValues.Start, "CREATE_TIME", null, Encoding.UTF8.GetBytes(export), []);

    [Fact]
    public async Task An_otlp_document_carries_the_attributes_a_map_body_the_resource_and_the_scope_with_safe_names()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, NoRules);
        var export = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"api-1"}},
                                                        {"key":"service.name","value":{"stringValue":"api"}}]},
             "scopeLogs":[{"scope":{"name":"io.acme.api","version":"2.1.0"},"logRecords":[
               {"timeUnixNano":"1795780800000000000","severityText":"ERROR","severityNumber":17,
                "body":{"kvlistValue":{"values":[{"key":"message","value":{"stringValue":"upstream failed"}},
                                                 {"key":"items","value":{"intValue":"3"}}]}},
                "attributes":[{"key":"http.status_code","value":{"intValue":"503"}},{"key":"retry","value":{"boolValue":true}}],
                "traceId":"5b8efff798038103d269b633813fc60c"}]}]}]}
            """;

        Assert.Empty(await forwarder.InvokeAsync([Otlp(export)]));

        var doc = Assert.Single(server.Documents("logs-2026.11.27")).Value;
        Assert.Equal("upstream failed", (string)doc["message"]!);
        Assert.Equal("error", (string)doc["level"]!);
        Assert.Equal("api-1", (string)doc["kubernetes"]!["pod_name"]!);
        var fields = (JsonObject)doc["fields"]!;
        Assert.Equal(503, (int)fields["attributes"]!["http_status_code"]!);
        Assert.True((bool)fields["attributes"]!["retry"]!);
        Assert.Equal("5b8efff798038103d269b633813fc60c", (string)fields["traceId"]!);
        Assert.Equal(3, (int)fields["items"]!);
        Assert.Equal("api-1", (string)fields["resource"]!["k8s_pod_name"]!);
        Assert.Equal("api", (string)fields["resource"]!["service_name"]!);
        Assert.Equal("io.acme.api", (string)fields["scope"]!["name"]!);
        // What the document holds in its own form is not copied again.
        Assert.Equal(["attributes", "items", "resource", "scope", "traceId"], fields.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Null(doc["fields_truncated"]);
    }

    [Fact]
    public async Task One_huge_otlp_record_cannot_explode_the_mapping_either()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, NoRules);
        var attributes = string.Join(",", Enumerable.Range(0, 300).Select(i => $$$"""{"key":"a.{{{i}}}","value":{"intValue":"{{{i}}}"}}"""));
        var deep = """{"kvlistValue":{"values":[{"key":"b","value":{"kvlistValue":{"values":[{"key":"c","value":{"kvlistValue":{"values":[{"key":"d","value":{"intValue":"1"}}]}}}]}}}]}}""";
        var export = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"api-1"}}]},
             "scopeLogs":[{"logRecords":[{"body":{"stringValue":"big"},
               "attributes":[{"key":"deep","value":{{{deep}}}},{{{attributes}}}]}]}]}]}
            """;

        Assert.Empty(await forwarder.InvokeAsync([Otlp(export)]));

        var doc = Assert.Single(server.Documents("logs-")).Value;
        Assert.True((bool)doc["fields_truncated"]!);
        var copied = (JsonObject)doc["fields"]!["attributes"]!;
        // fields.attributes.deep.b is the third level of names: the object below it is kept as its JSON text.
        Assert.Equal("{\"c\":{\"d\":1}}", (string)copied["deep"]!["b"]!);
        Assert.InRange(Leaves(doc["fields"]!), 50, 100);
        Assert.Equal(0, (int)copied["a_0"]!);
    }

    [Fact]
    public async Task An_application_line_cannot_pass_for_the_pod_of_a_record_without_one()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, NoRules);
        var value = """{"log":"{\"msg\":\"hi\",\"kubernetes\":{\"pod_name\":\"spoofed\"},\"user\":\"u\"}","stream":"stdout"}""";
        var record = new KafkaRecord("app-json", 0, 9, LogValues.Start, "CREATE_TIME", null, Encoding.UTF8.GetBytes(value), []);

        Assert.Empty(await forwarder.InvokeAsync([record]));

        var doc = Assert.Single(server.Documents("logs-")).Value;
        Assert.Null(doc["kubernetes"]);
        Assert.Equal(["msg", "user"], ((JsonObject)doc["fields"]!).Select(f => f.Key).Order(StringComparer.Ordinal));
    }

    /// <summary>Scalar values (and texts standing for deeper objects) under a node.</summary>
    private static int Leaves(JsonNode node) => node switch
    {
        JsonObject o => o.Sum(p => p.Value is null ? 1 : Leaves(p.Value)),
        JsonArray a => a.Sum(v => v is null ? 1 : Leaves(v)),
        _ => 1,
    };
}
