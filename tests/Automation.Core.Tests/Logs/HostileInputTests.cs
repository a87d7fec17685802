using System.Text;
using Automation.Core.Logs;
using Automation.Testing;
using static Automation.Core.Tests.Logs.LogTestRecords;

namespace Automation.Core.Tests.Logs;

/// <summary>Everything in a log line is hostile: the parser must bound its work and never throw.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Json_nested_to_the_limit_is_read_and_deeper_is_text()
    {
        static string Nested(int depth) => new StringBuilder().Insert(0, "{\"a\":", depth - 1).Append("{\"msg\":\"deep\"}").Append('}', depth - 1).ToString();

        var atLimit = Parse(Nested(64));
        var beyond = Parse(Nested(65));

        Assert.False(atLimit.Result.Malformed);
        Assert.Equal(LogFormat.Json, Assert.Single(atLimit.Records).Format);
        Assert.True(beyond.Result.Malformed);
        Assert.Equal("value starts like JSON but is not: JSON nested deeper than 64 levels", beyond.Result.Problem);
        Assert.Equal(Nested(65), Assert.Single(beyond.Records).Message);
    }

    [Fact]
    public void Too_deep_application_json_in_log_stays_the_line()
    {
        var app = new StringBuilder().Insert(0, "[", 70).Append(']', 70).ToString();
        var line = "{\"msg\":\"x\",\"a\":" + app + "}";

        var log = ParseOne(LogRecordParserTests.FluentBit(line));

        Assert.Equal(line, log.Message);
        Assert.Null(log.Fields["msg"]);
    }

    [Theory]
    [InlineData("""{"log":"bad \ud800 half"}""")]
    [InlineData("""{"k\udc00":"bad key"}""")]
    public void Lone_surrogate_escapes_make_the_value_text(string value)
    {
        var (result, records) = Parse(value);

        Assert.True(result.Malformed);
        Assert.Contains("surrogate", result.Problem);
        Assert.Equal(value, Assert.Single(records).Message);
    }

    [Fact]
    public void Escaped_surrogate_pairs_are_fine()
    {
        Assert.Equal("ok 😀", ParseOne("""{"msg":"ok \ud83d\ude00"}""").Message);
    }

    [Fact]
    public void A_lone_surrogate_in_the_application_json_keeps_the_line_as_text()
    {
        var log = ParseOne("""{"log":"{\"msg\":\"\\ud800\"}"}""");

        Assert.Equal("{\"msg\":\"\\ud800\"}", log.Message);
    }

    [Fact]
    public void Labels_and_annotations_kept_in_metadata_are_bounded_but_all_stay_addressable()
    {
        var labels = string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"l{i}\":\"v{i}\""));
        var owners = string.Join(",", Enumerable.Range(0, 40).Select(i => $"{{\"kind\":\"K\",\"name\":\"o{i}\"}}"));
        var value = "{\"log\":\"x\",\"kubernetes\":{\"pod_name\":\"p\",\"labels\":{" + labels + "},\"annotations\":{" + labels
            + "},\"ownerReferences\":[" + owners + "]}}";

        var log = ParseOne(value);

        Assert.Equal(256, log.Kubernetes!.Labels.Count);
        Assert.Equal(256, log.Kubernetes.Annotations.Count);
        Assert.Equal(16, log.Kubernetes.OwnerReferences.Count);
        Assert.Equal("v299", log.Fields["kubernetes.labels.l299"]);
        Assert.Equal("o39", log.Fields["kubernetes.ownerReferences[39].name"]);
    }

    [Fact]
    public void An_oversized_created_by_annotation_is_not_read()
    {
        var createdBy = "{\"reference\":{\"kind\":\"ReplicaSet\",\"name\":\"rs\"},\"pad\":\"" + new string('x', 5000) + "\"}";

        var log = ParseOne(LogRecordParserTests.FluentBit("x", new() { ["kubernetes.io/created-by"] = createdBy }));

        Assert.Empty(log.Kubernetes!.OwnerReferences);
    }

    [Fact]
    public void Huge_values_are_read_whole()
    {
        var line = new string('a', 1_000_000);
        var many = "{" + string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"\"k{i}\":{i}")) + ",\"msg\":\"last\"}";

        Assert.Equal(line, ParseOne(line).Message);
        var log = ParseOne(many);
        Assert.Equal("last", log.Message);
        Assert.Equal("99999", log.Fields["k99999"]);
    }

    [Theory]
    [InlineData("""{"time":"2019-04-05T14:54:23.5842697610000000000000000000000000000000000000000000000000000000000000000Z"}""")]
    [InlineData("""{"time":"9999-12-31T23:59:59.9999999+00:00","ts":1e30}""")]
    [InlineData("""{"level":"a-level-word-that-is-far-too-long-to-be-a-level-and-goes-on-and-on-and-on"}""")]
    public void Odd_times_and_levels_are_ignored_not_thrown(string value)
    {
        var log = ParseOne(value);

        Assert.NotNull(log.Message);
    }

    /// <summary>
    /// Seeded mutations (byte flips, truncations, splices) of every fixture value and an OTLP export: the parser must
    /// neither throw nor break its own contract, and every produced record's fields must be safe to query.
    /// </summary>
    [Fact]
    public void Mutated_values_never_throw()
    {
        var seeds = Directory.EnumerateFiles(Fixtures.PathOf("k8s-logs", "fluent-bit-tests"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".out", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal))
            .Select(File.ReadAllBytes)
            .Append(Encoding.UTF8.GetBytes("""{"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"p"}}]},"scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":17,"body":{"kvlistValue":{"values":[{"key":"msg","value":{"arrayValue":{"values":[{"intValue":"1"}]}}}]}},"attributes":[{"key":"a","value":{"bytesValue":"AAE="}}]}]}]}]}"""))
            .ToList();
        var paths = new[] { "log", "msg", "kubernetes.pod_name", "kubernetes.labels[\"app.kubernetes.io/name\"]", "attributes.a", "resource[\"k8s.pod.name\"]", "body.msg[0]", "a.b.c[2]" }
            .Select(FieldPath.Parse).ToArray();
        var random = new Random(20240506);
        var parser = new LogRecordParser();
        var output = new List<LogRecord>();
        var malformed = 0;
        var formats = new HashSet<LogFormat>();

        for (var i = 0; i < 5000; i++)
        {
            var value = Mutate(seeds[random.Next(seeds.Count)], random);
            output.Clear();

            var result = parser.Parse(Record(value, offset: i), output);

            Assert.Equal(result.Produced, output.Count);
            Assert.True(!result.Malformed || result.Problem is not null);
            // The parser's last-resort catch is for its own bugs; content must never reach it.
            Assert.False(result.Problem?.StartsWith("could not read", StringComparison.Ordinal) == true, result.Problem);
            malformed += result.Malformed ? 1 : 0;
            formats.UnionWith(output.Select(r => r.Format));
            foreach (var log in output)
            {
                Assert.Equal(i, log.Source.Offset);
                Assert.NotNull(log.Message);
                foreach (var path in paths)
                {
                    log.Fields.TryGetValue(path, out _);
                    log.Fields.ValueEquals(path, "x");
                }
            }
        }

        // The mutations reach every path: well-formed JSON and OTLP, text, and malformed values.
        Assert.Equal([LogFormat.Text, LogFormat.Json, LogFormat.Otlp], formats.Order());
        Assert.InRange(malformed, 500, 4500);
    }

    internal static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        for (var n = random.Next(1, 6); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.InsertRange(at, "{[\"\\u\\ud800:,]}"u8.ToArray().Skip(random.Next(10)).Take(random.Next(1, 4))); break;
                case 3: bytes.RemoveAt(at); break;
                default: bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(1, 40)).ToList()); break;
            }
        }
        return [.. bytes];
    }
}
