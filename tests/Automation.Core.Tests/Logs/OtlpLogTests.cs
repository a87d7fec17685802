using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using static Automation.Core.Tests.Logs.LogTestRecords;

namespace Automation.Core.Tests.Logs;

/// <summary>
/// OTLP JSON as the OpenTelemetry Collector's Kafka exporter writes it (encoding otlp_json): an ExportLogsServiceRequest
/// per Kafka record, lowerCamelCase names, 64-bit integers as decimal strings, ids as hex.
/// </summary>
public sealed class OtlpLogTests
{
    private const string Export = """
        {"resourceLogs":[
          {"resource":{"attributes":[
              {"key":"k8s.pod.name","value":{"stringValue":"checkout-6d9f7-abcde"}},
              {"key":"k8s.namespace.name","value":{"stringValue":"shop"}},
              {"key":"k8s.container.name","value":{"stringValue":"checkout"}},
              {"key":"k8s.pod.uid","value":{"stringValue":"0f3c-uid"}},
              {"key":"k8s.node.name","value":{"stringValue":"ip-10-0-1-2.ec2.internal"}},
              {"key":"container.image.name","value":{"stringValue":"ghcr.io/acme/checkout"}},
              {"key":"container.image.tag","value":{"stringValue":"1.4.2"}},
              {"key":"container.id","value":{"stringValue":"c0ffee"}},
              {"key":"k8s.deployment.name","value":{"stringValue":"checkout"}},
              {"key":"k8s.replicaset.name","value":{"stringValue":"checkout-6d9f7"}},
              {"key":"k8s.replicaset.uid","value":{"stringValue":"rs-uid"}},
              {"key":"k8s.pod.labels.app","value":{"stringValue":"checkout"}},
              {"key":"k8s.pod.label.app.kubernetes.io/name","value":{"stringValue":"checkout-svc"}},
              {"key":"k8s.pod.annotation.prometheus.io/scrape","value":{"boolValue":true}},
              {"key":"service.name","value":{"stringValue":"checkout"}}],
            "droppedAttributesCount":0},
           "scopeLogs":[
             {"scope":{"name":"io.opentelemetry.checkout","version":"2.1.0","attributes":[{"key":"lib","value":{"stringValue":"otel"}}]},
              "logRecords":[
                {"timeUnixNano":"1700000000123456789","observedTimeUnixNano":"1700000001000000000","severityNumber":17,"severityText":"ERROR",
                 "body":{"stringValue":"payment failed\n"},
                 "attributes":[{"key":"http.status_code","value":{"intValue":"503"}},{"key":"log.iostream","value":{"stringValue":"stderr"}},
                               {"key":"retry","value":{"doubleValue":0.5}},{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"2"}]}}}],
                 "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","flags":1},
                {"observedTimeUnixNano":"1700000002000000000","severityNumber":9,
                 "body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"cart loaded"}},{"key":"items","value":{"intValue":"3"}}]}}}]},
             {"scope":{"name":"second"},
              "logRecords":[{"timeUnixNano":"0","severityText":"Custom","severityNumber":5,"body":{"intValue":"42"}}]}]},
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"batch"}}]},
           "scopeLogs":[{"logRecords":[{"severityText":"Custom"}]}]}
        ]}
        """;

    [Fact]
    public void One_kafka_record_yields_every_log_record_with_its_coordinates()
    {
        var (result, records) = Parse(Record(Export, offset: 991));

        Assert.Equal(new LogParseResult(4, false, false, null), result);
        Assert.All(records, r =>
        {
            Assert.Equal(LogFormat.Otlp, r.Format);
            Assert.Equal(("logs", 3, 991L), (r.Source.Topic, r.Source.Partition, r.Source.Offset));
        });
        Assert.Equal(["payment failed", "cart loaded", "42", ""], records.Select(r => r.Message));
    }

    [Fact]
    public void Severity_comes_from_the_text_else_the_number_range()
    {
        var records = Parse(Record(Export)).Records;

        Assert.Equal(["error", "info", "debug", "custom"], records.Select(r => r.Level));
    }

    [Theory]
    [InlineData(1, "trace")]
    [InlineData(4, "trace")]
    [InlineData(5, "debug")]
    [InlineData(8, "debug")]
    [InlineData(9, "info")]
    [InlineData(12, "info")]
    [InlineData(13, "warn")]
    [InlineData(16, "warn")]
    [InlineData(17, "error")]
    [InlineData(20, "error")]
    [InlineData(21, "fatal")]
    [InlineData(24, "fatal")]
    [InlineData(0, null)]
    [InlineData(25, null)]
    public void Severity_number_ranges(int number, string? level)
    {
        var value = $$$"""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":{{{number}}},"body":{"stringValue":"x"}}]}]}]}""";

        Assert.Equal(level, ParseOne(value).Level);
    }

    [Fact]
    public void Time_is_time_unix_nano_else_observed_else_kafka()
    {
        var records = Parse(Record(Export)).Records;

        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(17_000_000_001_234_567), records[0].Timestamp);
        Assert.Equal(LogTimestampSource.Record, records[0].TimestampSource);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_002), records[1].Timestamp);
        Assert.Equal((KafkaTime, LogTimestampSource.Kafka), (records[2].Timestamp, records[2].TimestampSource));
    }

    [Fact]
    public void Kubernetes_resource_attributes_map_onto_fluent_bit_fields()
    {
        var records = Parse(Record(Export)).Records;
        var k8s = records[0].Kubernetes!;

        Assert.Equal("checkout-6d9f7-abcde", k8s.PodName);
        Assert.Equal("shop", k8s.NamespaceName);
        Assert.Equal("checkout", k8s.ContainerName);
        Assert.Equal("0f3c-uid", k8s.PodId);
        Assert.Equal("ip-10-0-1-2.ec2.internal", k8s.Host);
        Assert.Equal("ghcr.io/acme/checkout:1.4.2", k8s.ContainerImage);
        Assert.Equal("c0ffee", k8s.ContainerId);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "checkout", ["app.kubernetes.io/name"] = "checkout-svc" }, k8s.Labels);
        Assert.Equal(new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" }, k8s.Annotations);
        Assert.Equal(
            [new OwnerReference("ReplicaSet", "checkout-6d9f7", "apps/v1", "rs-uid", true), new OwnerReference("Deployment", "checkout", "apps/v1", null, null)],
            k8s.OwnerReferences);
        Assert.Equal("ReplicaSet", k8s.Controller!.Kind);

        // Every record of the resource shares it; the other resource has none.
        Assert.Same(k8s, records[2].Kubernetes);
        Assert.Null(records[3].Kubernetes);
    }

    [Fact]
    public void Fields_answer_the_same_kubernetes_paths_as_fluent_bit_and_the_otlp_attributes()
    {
        var log = Parse(Record(Export)).Records[0];

        Assert.Equal("checkout-6d9f7-abcde", log.Fields["kubernetes.pod_name"]);
        Assert.Equal("checkout-svc", log.Fields["kubernetes.labels[\"app.kubernetes.io/name\"]"]);
        Assert.Equal("ReplicaSet", log.Fields["kubernetes.ownerReferences[0].kind"]);
        Assert.Equal("checkout-6d9f7-abcde", log.Fields["resource[\"k8s.pod.name\"]"]);
        Assert.Equal("checkout", log.Fields["resource[\"service.name\"]"]);
        Assert.Equal("503", log.Fields["attributes[\"http.status_code\"]"]);
        Assert.True(log.Fields.ValueEquals(FieldPath.Parse("attributes[\"http.status_code\"]"), "503"));
        Assert.Equal("0.5", log.Fields["attributes.retry"]);
        Assert.Equal("""["a",2]""", log.Fields["attributes.tags"]);
        Assert.Equal("2", log.Fields["attributes.tags[1]"]);
        Assert.Equal("io.opentelemetry.checkout", log.Fields["scope.name"]);
        Assert.Equal("otel", log.Fields["scope.attributes.lib"]);
        Assert.Equal("5b8efff798038103d269b633813fc60c", log.Fields["traceId"]);
        Assert.Equal("ERROR", log.Fields["severityText"]);
        Assert.Equal("1700000000123456789", log.Fields["timeUnixNano"]);
        Assert.Equal("payment failed\n", log.Fields["body"]);
        Assert.Equal("stderr", log.Stream);
    }

    [Fact]
    public void A_map_body_gives_the_message_and_its_fields_from_the_top()
    {
        var log = Parse(Record(Export)).Records[1];

        Assert.Equal("cart loaded", log.Message);
        Assert.Equal("3", log.Fields["items"]);
        Assert.Equal("3", log.Fields["body.items"]);
        using var body = JsonDocument.Parse(log.Fields["body"]!);
        Assert.Equal(3, body.RootElement.GetProperty("items").GetInt32());
    }

    [Fact]
    public void A_map_body_without_message_is_its_json()
    {
        var value = """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"login"}},{"key":"ok","value":{"boolValue":false}}]}}}]}]}]}""";

        using var message = JsonDocument.Parse(ParseOne(value).Message);

        Assert.Equal("login", message.RootElement.GetProperty("event").GetString());
        Assert.False(message.RootElement.GetProperty("ok").GetBoolean());
    }

    [Theory]
    [InlineData("""{"stringValue":"text\r\n"}""", "text")]
    [InlineData("""{"intValue":"-7"}""", "-7")]
    [InlineData("""{"intValue":"not a number"}""", "not a number")]
    [InlineData("""{"doubleValue":2.5}""", "2.5")]
    [InlineData("""{"doubleValue":"NaN"}""", "NaN")]
    [InlineData("""{"boolValue":true}""", "true")]
    [InlineData("""{"bytesValue":"AAEC"}""", "AAEC")]
    [InlineData("""{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":false},{}]}}""", """["a",false,null]""")]
    [InlineData("""{"arrayValue":{}}""", "[]")]
    [InlineData("""{}""", "")]
    [InlineData("""{"unknownValue":1}""", "")]
    public void Body_kinds_become_the_message(string body, string message)
    {
        var value = """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":""" + body + "}]}]}]}";

        Assert.Equal(message, ParseOne(value).Message);
    }

    [Fact]
    public void Numbers_where_strings_are_usual_are_accepted()
    {
        // The OTLP spec lets 64-bit integers be JSON numbers when decoding (its own examples write them so).
        var value = """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":1544712660300000000,"body":{"stringValue":"x"},"attributes":[{"key":"n","value":{"intValue":10}}]}]}]}]}""";

        var log = ParseOne(value);

        Assert.Equal(new DateTimeOffset(2018, 12, 13, 14, 51, 0, 300, TimeSpan.Zero), log.Timestamp);
        Assert.Equal("10", log.Fields["attributes.n"]);
    }

    [Fact]
    public void Unknown_fields_and_odd_shapes_are_ignored()
    {
        var value = """
            {"resourceLogs":[7,"x",{"futureField":{"a":1},"resource":"odd","scopeLogs":[null,{"logRecords":[3,{"body":{"stringValue":"kept"},"attributes":[{"value":{"stringValue":"no key"}},{"key":"k"},5],"newField":[1]}]}]}]}
            """;

        var (result, records) = Parse(Record(value));

        Assert.False(result.Malformed);
        var log = Assert.Single(records);
        Assert.Equal("kept", log.Message);
        Assert.Null(log.Kubernetes);
        Assert.Null(log.Fields["attributes.k"]);
        Assert.True(log.Fields.TryGetValue("newField", out var raw));
        Assert.Equal("[1]", raw);
    }

    [Fact]
    public void A_log_record_cannot_shadow_the_transport_layers()
    {
        var value = """{"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"real"}}]},"scopeLogs":[{"logRecords":[{"kubernetes":{"pod_name":"evil"},"resource":{"k8s.pod.name":"evil"},"body":{"kvlistValue":{"values":[{"key":"kubernetes","value":{"stringValue":"evil"}}]}}}]}]}]}""";

        var log = ParseOne(value);

        Assert.Equal("real", log.Fields["kubernetes.pod_name"]);
        Assert.Equal("real", log.Fields["resource[\"k8s.pod.name\"]"]);
    }

    [Fact]
    public void An_export_without_log_records_gives_nothing_and_is_not_malformed()
    {
        var (result, records) = Parse(Record("""{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[]}]}]}"""));

        Assert.Equal(new LogParseResult(0, false, false, null), result);
        Assert.Empty(records);
    }

    [Fact]
    public void Broken_otlp_json_is_kept_as_text()
    {
        var (result, records) = Parse(Record("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]"""));

        Assert.True(result.Malformed);
        Assert.Equal(LogFormat.Text, Assert.Single(records).Format);
    }

    [Fact]
    public void More_log_records_than_the_limit_are_cut_and_reported()
    {
        var value = new StringBuilder("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[""");
        for (var i = 0; i < 10_050; i++)
        {
            value.Append(i == 0 ? "" : ",").Append("""{"body":{"stringValue":"r"}}""");
        }
        value.Append("]}]}]}");

        var (result, records) = Parse(Record(value.ToString()));

        Assert.Equal(10_000, result.Produced);
        Assert.True(result.Malformed);
        Assert.Contains("10000", result.Problem);
        Assert.All(records, r => Assert.Equal("r", r.Message));
    }
}
