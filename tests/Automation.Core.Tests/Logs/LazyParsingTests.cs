using System.Globalization;
using System.Text;
using System.Text.Json;
using Automation.Core.Logs;
using Automation.Testing;
using static Automation.Core.Tests.Logs.LogTestRecords;

namespace Automation.Core.Tests.Logs;

/// <summary>
/// What parsing leaves for later (the pod's metadata, the unescaped application line) and the shortcuts it takes on
/// the hot path must give exactly what reading everything up front gave.
/// </summary>
public sealed class LazyParsingTests
{
    [Fact]
    public void Metadata_read_on_first_use_matches_an_eager_read_of_every_fixture_and_mutation()
    {
        var seeds = Directory.EnumerateFiles(Path.Combine(FluentBitContractTests.Root, "out"), "*.out", SearchOption.AllDirectories)
            .Select(file =>
            {
                using var expected = JsonDocument.Parse(File.ReadAllBytes(file));
                return FluentBitContractTests.FluentBitKafkaValue(expected.RootElement[0], expected.RootElement[1]);
            })
            .Concat(Enumerable.Range(0, 5).Select(FluentBitSamples.Value))
            .ToList();
        var values = seeds.Concat(Enumerable.Range(0, 8000).Select(i => HostileInputTests.Mutate(seeds[i % seeds.Count], new Random(i))));
        var compared = 0;
        var withMetadata = 0;

        foreach (var value in values)
        {
            var (_, records) = Parse(Record(value));
            if (records is not [{ Format: LogFormat.Json } log] || !TryReadEagerly(value, out var eager))
            {
                continue;
            }

            var lazy = log.Kubernetes;

            Assert.Equal(Describe(eager), Describe(lazy));
            Assert.Same(lazy, log.Kubernetes);
            compared++;
            withMetadata += lazy is null ? 0 : 1;
        }

        // Many mutations break the JSON (those are text, with no metadata to compare); both outcomes of the rest are compared.
        Assert.InRange(compared, 1000, 8100);
        Assert.InRange(withMetadata, compared / 2, compared - 20);
    }

    [Fact]
    public async Task Every_thread_sees_the_same_metadata_and_fields()
    {
        var log = ParseOne(LogRecordParserTests.FluentBit("""{"level":"warn","msg":"slow","user":{"id":7}}"""));
        using var start = new ManualResetEventSlim();
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            return (Metadata: log.Kubernetes, User: log.Fields["user.id"], Under: log.Fields["log.user.id"]);
        })).ToArray();

        start.Set();
        var seen = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10));

        var first = seen[0].Metadata;
        Assert.NotNull(first);
        Assert.Equal("api-7d4b9", first.PodName);
        Assert.All(seen, s => Assert.Same(first, s.Metadata));
        Assert.All(seen, s => Assert.Equal(("7", "7"), (s.User, s.Under)));
    }

    [Fact]
    public void A_copy_of_a_record_shares_its_metadata()
    {
        var log = ParseOne(LogRecordParserTests.FluentBit("x"));

        var copy = log with { Message = "changed" };

        Assert.Same(log.Kubernetes, copy.Kubernetes);
        Assert.Equal("changed", copy.Message);
    }

    [Fact]
    public void Records_given_metadata_up_front_keep_it()
    {
        var metadata = new KubernetesMetadata("p", "ns", null, null, null, null, null,
            new Dictionary<string, string>(), new Dictionary<string, string>(), []);

        var log = new LogRecord(default, DateTimeOffset.UnixEpoch, LogTimestampSource.Unknown, "m", null, null, metadata, LogFields.Empty, LogFormat.Otlp);

        Assert.Same(metadata, log.Kubernetes);
    }

    [Fact]
    public void Escaped_key_names_are_the_keys_they_spell()
    {
        var log = ParseOne("""{"\u006dsg":"hi","\u006cevel":"WARN","t\u0073":1700000000,"str\u0065am":"stdout","kub\u0065rnetes":{"pod_name":"p"}}""");

        Assert.Equal("hi", log.Message);
        Assert.Equal("warn", log.Level);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), log.Timestamp);
        Assert.Equal("stdout", log.Stream);
        Assert.Equal("p", log.Kubernetes!.PodName);
    }

    [Theory]
    [InlineData("""{"msg":"x","stream":"stdout"}""", "stdout")]
    [InlineData("""{"msg":"x","stream":"stderr"}""", "stderr")]
    [InlineData("""{"msg":"x","stream":"std\u006fut"}""", "stdout")]
    [InlineData("""{"msg":"x","stream":"journal"}""", "journal")]
    [InlineData("""{"msg":"x","stream":""}""", "")]
    public void Stream_is_read_from_the_bytes(string value, string stream)
    {
        Assert.Equal(stream, ParseOne(value).Stream);
    }

    [Theory]
    [InlineData("""{"level":"info"}""", "info")]
    [InlineData("""{"level":"\u0045RROR"}""", "error")]
    [InlineData("""{"level":"Ünknown"}""", "ünknown")]
    [InlineData("""{"level":" \t "}""", null)]
    [InlineData("""{"level":30}""", "info")]
    [InlineData("""{"level":300}""", "300")]
    [InlineData("""{"level":-10}""", "-10")]
    public void Levels_are_read_from_the_bytes(string value, string? level)
    {
        Assert.Equal(level, ParseOne(value).Level);
    }

    [Theory]
    [InlineData("""{"time":"2024-01-02T03:04:05Z"}""", "2024-01-02T03:04:05Z")]
    [InlineData("""{"time":"2024-01-02T03:04:05\u005A"}""", "2024-01-02T03:04:05Z")]
    [InlineData("""{"ts":"1700000000.5"}""", "2023-11-14T22:13:20.5Z")]
    [InlineData("""{"ts":0.00000001}""", "1970-01-01T00:00:00Z")]
    public void Times_are_read_from_the_bytes(string value, string expected)
    {
        var log = ParseOne(value);

        Assert.Equal(LogTimestampSource.Record, log.TimestampSource);
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), log.Timestamp);
    }

    /// <summary>Epoch digits are read in integer arithmetic; decimal is the reference for every form and size.</summary>
    [Fact]
    public void Epoch_digits_read_exactly_as_decimal_reads_them()
    {
        var random = new Random(1_795_000_000);
        var cases = new List<string>
        {
            "0", "0.0", "000", "0.00000001", "1", "1.5", "99999999999", "99999999999.99999999", "100000000000", "99999999999999.9999",
            "100000000000000", "99999999999999999.99", "100000000000000000", "999999999999999999", "1000000000000000000",
            "1554141513.598656", "1554141513598", "1554141513598656", "1554141513598656789", "12.", ".5", "1.2.3", "1e9", "-5", "+5",
        };
        for (var i = 0; i < 20_000; i++)
        {
            var digits = new string([.. Enumerable.Range(0, random.Next(1, 22)).Select(_ => (char)('0' + random.Next(10)))]);
            var dot = random.Next(digits.Length + 2);
            cases.Add(dot < digits.Length ? digits.Insert(dot, ".") : digits);
        }

        foreach (var text in cases)
        {
            var utf8 = Encoding.ASCII.GetBytes(text);
            var expected = LogTimestamps.TryFromEpochDecimal(utf8, out var expectedTime);

            var actual = LogTimestamps.TryFromEpochText(utf8, out var actualTime);

            Assert.True((expected, expectedTime) == (actual, actualTime), $"{text}: decimal {expected} {expectedTime:O}, read {actual} {actualTime:O}");
        }
    }

    /// <summary>
    /// A Fluent Bit record costs its LogRecord, its message and its fields; the pod's metadata and the unescaped
    /// application line are only built when asked for (budget: docs of the benchmark, ~600 bytes per record).
    /// </summary>
    [Fact]
    public void Parsing_a_fluent_bit_record_allocates_little_until_its_metadata_is_asked_for()
    {
        var records = FluentBitSamples.Records(targetValueBytes: 400_000);
        var parser = new LogRecordParser();
        var output = new List<LogRecord>(records.Count);
        foreach (var record in records.Take(50))
        {
            parser.Parse(record, output); // warm up: first calls initialise statics
        }
        output.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var record in records)
        {
            parser.Parse(record, output);
        }
        var perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)records.Count;

        Assert.Equal(records.Count, output.Count);
        Assert.InRange(perRecord, 1, 600);
        Assert.All(output.Take(20), log => Assert.NotEmpty(log.Kubernetes!.Labels));
    }

    /// <summary>
    /// The metadata read the way the parser used to, up front from the value's first top-level "kubernetes" object.
    /// False when System.Text.Json's own document does not take the value, so there is nothing to compare with.
    /// </summary>
    private static bool TryReadEagerly(byte[] value, out KubernetesMetadata? metadata)
    {
        metadata = null;
        var text = Encoding.UTF8.GetString(value.AsSpan().StartsWith("\uFEFF"u8) ? value.AsSpan(3) : value);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return false;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("kubernetes"))
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(property.Value.GetRawText()));
                        reader.Read();
                        metadata = KubernetesMetadataReader.Read(ref reader);
                    }
                    return true;
                }
            }
            return true;
        }
    }

    private static string Describe(KubernetesMetadata? k8s) => k8s is null ? "none" : string.Join("|",
        k8s.PodName, k8s.NamespaceName, k8s.PodId, k8s.ContainerName, k8s.ContainerImage, k8s.ContainerId, k8s.Host,
        string.Join(",", k8s.Labels.OrderBy(p => p.Key, StringComparer.Ordinal)),
        string.Join(",", k8s.Annotations.OrderBy(p => p.Key, StringComparer.Ordinal)),
        string.Join(",", k8s.OwnerReferences), k8s.Controller);
}
