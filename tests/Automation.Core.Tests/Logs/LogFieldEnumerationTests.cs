using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using static Automation.Core.Tests.Logs.LogTestRecords;

namespace Automation.Core.Tests.Logs;

/// <summary><see cref="LogFields.EnumerateFields"/>: every kind of record's top-level fields, in lookup order, as spans.</summary>
public sealed class LogFieldEnumerationTests
{
    private static List<(string Name, string Value, bool Mount)> Walk(LogFields fields)
    {
        var found = new List<(string, string, bool)>();
        foreach (var field in fields.EnumerateFields())
        {
            found.Add((field.GetName(), Encoding.UTF8.GetString(field.Value), field.IsMount));
        }
        return found;
    }

    private static List<int> Layers(LogFields fields)
    {
        var layers = new List<int>();
        foreach (var field in fields.EnumerateFields())
        {
            layers.Add(field.Layer);
        }
        return layers;
    }

    [Fact]
    public void A_json_record_lists_its_keys_then_those_of_the_application_line_once()
    {
        var log = ParseOne("""
            {"log":"{\"msg\":\"boom\",\"user\":{\"id\":7},\"tags\":[1,2]}","stream":"stderr","n":1.5,"z":null,
             "kubernetes":{"pod_name":"p","labels":{"app":"a"}}}
            """);

        var fields = Walk(log.Fields);

        Assert.Equal(
            [
                ("log", "\"{\\\"msg\\\":\\\"boom\\\",\\\"user\\\":{\\\"id\\\":7},\\\"tags\\\":[1,2]}\"", false),
                ("stream", "\"stderr\"", false),
                ("n", "1.5", false),
                ("z", "null", false),
                ("kubernetes", """{"pod_name":"p","labels":{"app":"a"}}""", false),
                ("msg", "\"boom\"", false),
                ("user", """{"id":7}""", false),
                ("tags", "[1,2]", false),
            ],
            fields);
        // The record's own keys (what Fluent Bit wrote) are told apart from the application's.
        Assert.Equal([0, 0, 0, 0, 0, 2, 2, 2], Layers(log.Fields));
    }

    [Fact]
    public void Every_value_is_complete_json_and_its_kind_is_known_without_parsing()
    {
        var log = ParseOne("""{"s":"x","o":{"a":[{}]},"a":[],"t":true,"f":false,"z":null,"n":-2e3}""");

        var kinds = new List<JsonTokenType>();
        foreach (var field in log.Fields.EnumerateFields())
        {
            kinds.Add(field.ValueKind);
            using var parsed = JsonDocument.Parse(field.Value.ToArray());
            var reader = field.OpenValue();
            Assert.Equal(field.ValueKind, reader.TokenType);
        }

        Assert.Equal(
            [JsonTokenType.String, JsonTokenType.StartObject, JsonTokenType.StartArray, JsonTokenType.True, JsonTokenType.False,
             JsonTokenType.Null, JsonTokenType.Number],
            kinds);
    }

    [Fact]
    public void Escaped_names_are_compared_and_read_unescaped()
    {
        var log = ParseOne("""{"caf\u00e9":1,"plain":2}""");

        var seen = 0;
        foreach (var field in log.Fields.EnumerateFields())
        {
            if (seen++ == 0)
            {
                Assert.True(field.NameIsEscaped);
                Assert.Equal("café", field.GetName());
                Assert.True(field.NameEquals("café"u8));
                Assert.False(field.NameEquals("cafe"u8));
            }
            else
            {
                Assert.False(field.NameIsEscaped);
                Assert.True(field.NameEquals("plain"u8));
            }
        }
        Assert.Equal(2, seen);
    }

    [Fact]
    public void An_otlp_record_lists_its_mounted_layers_then_the_log_record_then_a_map_body()
    {
        const string Export = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"web-1"}},
                                                        {"key":"k8s.namespace.name","value":{"stringValue":"shop"}}]},
              "scopeLogs":[{"scope":{"name":"lib"},"logRecords":[
                {"severityText":"ERROR","attributes":[{"key":"http.status_code","value":{"intValue":"503"}}],
                 "body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"failed"}},{"key":"items","value":{"intValue":"3"}}]}},
                 "traceId":"5b8e"}]}]}]}
            """;
        var log = ParseOne(Export);

        var fields = Walk(log.Fields);

        Assert.Equal(["kubernetes", "resource", "scope", "severityText", "attributes", "body", "traceId", "msg", "items"],
            fields.Select(f => f.Name));
        Assert.Equal([true, true, true, false, false, false, false, false, false], fields.Select(f => f.Mount));
        Assert.Equal([0, 1, 2, 3, 3, 3, 3, 4, 4], Layers(log.Fields));
        using var resource = JsonDocument.Parse(fields[1].Value);
        Assert.Equal("web-1", resource.RootElement.GetProperty("k8s.pod.name").GetString());
        using var attributes = JsonDocument.Parse(fields[4].Value);
        Assert.Equal(503, attributes.RootElement.GetProperty("http.status_code").GetInt32());
        Assert.Equal("3", fields[8].Value);
    }

    [Fact]
    public void Plain_text_has_no_fields()
    {
        var log = ParseOne("just a line");

        Assert.Empty(Walk(log.Fields));
        Assert.Empty(Walk(LogFields.Empty));
    }

    [Fact]
    public void Walking_a_record_allocates_nothing()
    {
        var log = ParseOne("""{"log":"{\"a\":1,\"b\":{\"c\":[1,2,3]}}","kubernetes":{"pod_name":"p"},"x":"y"}""");
        var total = Count(log.Fields); // warm up, and the escaped line is unescaped once (and cached, as for lookups)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = Count(log.Fields);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(5, total);
        Assert.Equal(total, again);
        Assert.Equal(0, allocated);
    }

    private static int Count(LogFields fields)
    {
        var count = 0;
        foreach (var field in fields.EnumerateFields())
        {
            count += field.Value.IsEmpty ? 0 : 1;
        }
        return count;
    }
}
