using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>
/// The per-minute counts, step by step: a minute that spans batches and partitions adds up, a replayed batch adds
/// nothing, and a redelivery that overlaps what was counted adds only what is new.
/// </summary>
public sealed class AggregateTests
{
    private const string Rules = "version: 1\nrules:\n  - id: served\n    match: { contains: served }\nforwarding:\n  aggregates: { samples: 2 }\n";

    [Fact]
    public async Task A_minute_spanning_batches_replays_and_overlapping_redeliveries_is_counted_exactly()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, Rules);
        // 40 records, one every second from 12:00:00: minute 12:00 has 40 matches over partitions 0 and 1.
        var records = LogValues.Records(40, TimeSpan.FromSeconds(1));

        Assert.Empty(await forwarder.InvokeAsync(records[..10]));
        Assert.Equal(10, Count(server));
        Assert.Empty(await forwarder.InvokeAsync(records[10..25]));
        Assert.Equal(25, Count(server));

        Assert.Empty(await forwarder.InvokeAsync(records[..10])); // the first batch again
        Assert.Equal(25, Count(server));
        Assert.Empty(await forwarder.InvokeAsync(records[20..40])); // overlaps 20..24, counted already
        Assert.Equal(40, Count(server));
        Assert.Empty(await forwarder.InvokeAsync(records)); // everything again
        Assert.Equal(40, Count(server));

        var aggregate = Assert.Single(server.Documents("logs-aggregates-2026.11")).Value;
        Assert.Equal("served", (string)aggregate["rule"]!);
        Assert.Equal("2026-11-27T12:00:00Z", (string)aggregate["minute"]!);
        Assert.Equal("2026-11-27T12:00:00.0000000Z", (string)aggregate["first_seen"]!);
        Assert.Equal("2026-11-27T12:00:39.0000000Z", (string)aggregate["last_seen"]!);
        Assert.Equal(["request 0 served", "request 2 served"], ((JsonArray)aggregate["samples"]!).Select(s => (string)s!));
        Assert.Equal(
            [("k8s-logs-0", 119L), ("k8s-logs-1", 119L)],
            ((JsonArray)aggregate["watermarks"]!).Select(w => ((string)w!["partition"]!, (long)w["offset"]!)).Order());
    }

    [Fact]
    public async Task Minutes_and_groups_get_documents_of_their_own_with_deterministic_ids()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, """
            version: 1
            rules:
              - id: by-app
                match: { contains: served }
                threshold: { count: 1000, within: 5m, group_by: [kubernetes.labels.app] }
            """);
        var records = LogValues.Records(8, TimeSpan.FromSeconds(30)); // 12:00:00 .. 12:03:30, apps alternate

        Assert.Empty(await forwarder.InvokeAsync(records));
        Assert.Empty(await forwarder.InvokeAsync(records));

        var aggregates = server.Documents("logs-aggregates-").Values
            .Select(a => ((string)a["group"]!, (string)a["minute"]!, (long)a["count"]!)).Order().ToList();
        Assert.Equal(
        [
            ("kubernetes.labels.app=\"checkout\"", "2026-11-27T12:00:00Z", 1L),
            ("kubernetes.labels.app=\"checkout\"", "2026-11-27T12:01:00Z", 1L),
            ("kubernetes.labels.app=\"checkout\"", "2026-11-27T12:02:00Z", 1L),
            ("kubernetes.labels.app=\"checkout\"", "2026-11-27T12:03:00Z", 1L),
            ("kubernetes.labels.app=\"payments\"", "2026-11-27T12:00:00Z", 1L),
            ("kubernetes.labels.app=\"payments\"", "2026-11-27T12:01:00Z", 1L),
            ("kubernetes.labels.app=\"payments\"", "2026-11-27T12:02:00Z", 1L),
            ("kubernetes.labels.app=\"payments\"", "2026-11-27T12:03:00Z", 1L),
        ], aggregates);
        Assert.All(server.Documents("logs-aggregates-").Keys, k => Assert.Matches("^by-app-2026112712[0-3][0-9]-[0-9a-f]{16}$", k.Id));
    }

    private static long Count(FakeOpenSearch server) =>
        server.Documents("logs-aggregates-").Values.Sum(a => (long)a["count"]!);
}
