using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>
/// Batches go through a sequence of OpenSearch faults (whole-request 429 and 503, 429 and 503 items inside a 200, a
/// request that never gets an answer, mapping errors) while the test plays the event source mapping: it delivers each
/// partition in offset order and delivers again from the first record a batch handed back. At the end every record is
/// stored exactly once, in its index or in the dead-letter index, and every aggregate count is exact, also after
/// batches are replayed.
/// </summary>
public sealed class FaultInjectionTests
{
    private const string Rules = """
        version: 1
        rules:
          - id: errors
            match: { field: level, equals: error }
          - id: by-app
            match: { contains: served }
            threshold: { count: 1, within: 1m, group_by: [kubernetes.labels.app] }
        forwarding:
          bulk: { max_bytes: 16KiB }
        """;

    [Fact]
    public async Task Every_record_ends_exactly_once_in_its_index_or_the_dead_letter_index_and_aggregates_are_exact()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.SigV4 = new SigV4Verifier(ForwarderHarness.AccessKey, ForwarderHarness.SecretKey, ForwarderHarness.Region, "es");
        var forwarder = await ForwarderHarness.StartAsync(server, Rules);
        var records = LogValues.Records(600, TimeSpan.FromSeconds(1), badEvery: 37);

        server.Enqueue(
            OpenSearchFault.Status(429),
            OpenSearchFault.RejectItems(i => i % 4 == 0),
            OpenSearchFault.Status(503),
            OpenSearchFault.FailItems(i => i % 5 == 1, 503),
            OpenSearchFault.Hung,
            OpenSearchFault.RejectItems(i => i % 2 == 0),
            OpenSearchFault.Status(429),
            OpenSearchFault.Status(429));

        var (invocations, handedBack) = await DeliverAllAsync(forwarder, records, perPartition: 50, deadline: TimeSpan.FromSeconds(3));

        Assert.Empty(server.Violations);
        Assert.True(await server.WaitForHungRequestAsync(TimeSpan.FromSeconds(10)), "the client never gave up the hung request");
        Assert.Equal(1, server.HungRequests);
        Assert.True(handedBack > 0, "the hung request should have handed records back");
        Assert.True(invocations > records.Count / 100, $"only {invocations} invocations: nothing was delivered again");
        Assert.Contains(server.Requests, r => r.Status == 429);
        Assert.Contains(server.Requests, r => r.Status == 503);
        Assert.Contains(server.Requests, r => r.Status == 200 && r.FailedItems > 0);
        Assert.All(server.Requests, r => Assert.True(r.Gzip));
        AssertEachRecordOnce(server, records);
        AssertAggregatesExact(server, records);

        // A replay of batches already done (as after a timeout of the whole invocation) changes nothing.
        var before = server.Documents();
        Assert.Empty(await forwarder.InvokeAsync(records.Take(120).ToList()));
        Assert.Empty(await forwarder.InvokeAsync(records.Skip(300).Take(80).ToList()));
        AssertEachRecordOnce(server, records);
        AssertAggregatesExact(server, records);
        Assert.Equal(before.Keys.Order(), server.Documents().Keys.Order());
    }

    /// <summary>
    /// What the event source mapping does: per partition, batches in offset order; records a batch hands back are
    /// delivered again, with everything after them in their partition.
    /// </summary>
    internal static async Task<(int Invocations, int HandedBack)> DeliverAllAsync(ForwarderHarness forwarder, List<KafkaRecord> records, int perPartition, TimeSpan deadline)
    {
        var partitions = records.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).ToList());
        var cursor = partitions.Keys.ToDictionary(p => p, _ => 0);
        int invocations = 0, handedBack = 0;
        while (cursor.Any(c => c.Value < partitions[c.Key].Count))
        {
            Assert.True(++invocations < 100, "the batches never got through");
            var batch = partitions.SelectMany(p => p.Value.Skip(cursor[p.Key]).Take(perPartition)).ToList();
            var failures = await forwarder.InvokeAsync(batch, deadline);
            handedBack += failures.Count;
            foreach (var (partition, list) in partitions)
            {
                var taken = list.Skip(cursor[partition]).Take(perPartition).ToList();
                var failed = failures.Where(f => f.Partition == partition).Select(f => f.Offset).DefaultIfEmpty(long.MaxValue).Min();
                cursor[partition] += failed == long.MaxValue ? taken.Count : taken.FindIndex(r => r.Offset == failed);
            }
        }
        return (invocations, handedBack);
    }

    internal static void AssertEachRecordOnce(FakeOpenSearch server, List<KafkaRecord> records)
    {
        var documents = server.Documents("logs-2026.11.27");
        var deadLetters = server.Documents("logs-dead-letter-");
        foreach (var record in records)
        {
            var id = $"{record.Topic}-{record.Partition}-{record.Offset}";
            var stored = documents.ContainsKey(("logs-2026.11.27", id));
            var letters = deadLetters.Where(d => d.Key.Id == id).ToList();
            Assert.True(stored ^ (letters.Count == 1), $"{id}: stored {stored}, dead letters {letters.Count}");
            Assert.True(letters.Count <= 1);
            var value = Encoding.UTF8.GetString(record.Value.Span);
            if (stored)
            {
                var doc = documents[("logs-2026.11.27", id)];
                Assert.Equal(record.Offset, (long)doc["kafka"]!["offset"]!);
                Assert.Equal(record.Partition, (int)doc["kafka"]!["partition"]!);
                Assert.DoesNotContain("n/a", doc["fields"]!["status"]!.ToJsonString(), StringComparison.Ordinal);
            }
            else
            {
                var letter = letters[0].Value;
                Assert.Equal(value, (string)letter["raw"]!);
                Assert.Equal("mapper_parsing_exception", (string)letter["error"]!["type"]!);
                Assert.Equal(400, (int)letter["error"]!["status"]!);
                Assert.Equal("logs-2026.11.27", (string)letter["index"]!);
                Assert.Equal("n/a", (string)AppLine(record)["status"]!);
            }
        }
        Assert.Equal(records.Count, documents.Count + deadLetters.Count);
    }

    /// <summary>The application's JSON line inside the record's <c>log</c>.</summary>
    internal static JsonObject AppLine(KafkaRecord record) =>
        (JsonObject)JsonNode.Parse((string)JsonNode.Parse(record.Value.Span)!["log"]!)!;

    internal static void AssertAggregatesExact(FakeOpenSearch server, List<KafkaRecord> records)
    {
        var aggregates = server.Documents("logs-aggregates-").Values.ToList();
        var expected = new Dictionary<(string Rule, string Group, string Minute), int>();
        foreach (var record in records)
        {
            var line = AppLine(record);
            var minute = record.Timestamp!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:00'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var app = (string)JsonNode.Parse(record.Value.Span)!["kubernetes"]!["labels"]!["app"]!;
            Add(("by-app", $"kubernetes.labels.app=\"{app}\"", minute));
            if ((string)line["level"]! == "error")
            {
                Add(("errors", "", minute));
            }
        }
        var actual = aggregates.ToDictionary(
            a => ((string)a["rule"]!, (string)a["group"]!, (string)a["minute"]!),
            a => (int)(long)a["count"]!);
        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), actual.OrderBy(e => e.Key).ToList());
        Assert.All(aggregates, a => Assert.InRange(((JsonArray)a["samples"]!).Count, 1, 3));

        void Add((string, string, string) key) => expected[key] = expected.GetValueOrDefault(key) + 1;
    }
}
