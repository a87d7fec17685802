using Automation.Core.Pipeline;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>
/// 401 and 403 do not heal by waiting: the forwarder stops at the first one and hands every record not yet stored
/// back at once, with one error line, so the partition is retried later instead of the invocation burning its time.
/// </summary>
public sealed class AuthFailureTests
{
    public const string Message = "OpenSearch refused the function's credentials: records handed back without retrying";

    private const string NoAggregates = "version: 1\nrules: []\nforwarding:\n  aggregates: { enabled: false }\n";

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task The_first_refusal_ends_sending_and_every_record_goes_back_with_one_error_line(int status)
    {
        await using var server = await FakeOpenSearch.StartAsync();
        // Small requests: the batch takes several, and none after the refused one is tried.
        var forwarder = await ForwarderHarness.StartAsync(server, NoAggregates, options: ForwarderHarness.FastRetries with { MaxRequestBytes = 2048 });
        var records = LogValues.Records(12, TimeSpan.FromSeconds(1));
        server.Enqueue(OpenSearchFault.Status(status));

        var failures = await forwarder.InvokeAsync(records, TimeSpan.FromSeconds(20));

        Assert.Equal(records.Select(r => r.Coordinates.ToString()).Order(), failures.Select(f => f.ToString()).Order());
        Assert.Equal([status], server.Requests.Select(r => r.Status));
        Assert.Empty(server.Documents());
        var error = Assert.Single(forwarder.LogLines(Message));
        Assert.Equal("error", error.GetProperty("level").GetString());
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        Assert.Equal("127.0.0.1", error.GetProperty("host").GetString());
        Assert.Equal(12, error.GetProperty("retriedRecords").GetInt32());
    }

    [Fact]
    public async Task A_refusal_after_stored_requests_hands_back_only_the_rest_and_the_retry_stores_each_record_once()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, NoAggregates, options: ForwarderHarness.FastRetries with { MaxRequestBytes = 2048 });
        var records = LogValues.Records(12, TimeSpan.FromSeconds(1));
        server.Enqueue(new OpenSearchFault(), OpenSearchFault.Status(403));

        var failures = await forwarder.InvokeAsync(records, TimeSpan.FromSeconds(20));

        Assert.Equal(2, server.Requests.Count);
        var stored = server.Documents("logs-2026.11.27").Keys.Select(k => k.Id).ToHashSet();
        Assert.Equal(server.Requests[0].Items, stored.Count);
        Assert.InRange(stored.Count, 1, 11);
        // Exactly the records not stored are handed back.
        Assert.Equal(records.Count - stored.Count, failures.Count);
        Assert.All(failures, f => Assert.DoesNotContain($"{f.Topic}-{f.Partition}-{f.Offset}", stored));

        // The event source mapping delivers them again, once the credentials are fixed: each ends stored once.
        var retried = records.Where(r => failures.Contains(r.Coordinates)).ToList();
        Assert.Empty(await forwarder.InvokeAsync(retried));
        Assert.Equal(records.Select(r => $"{r.Topic}-{r.Partition}-{r.Offset}").Order(),
            server.Documents("logs-2026.11.27").Keys.Select(k => k.Id).Order());
    }

    [Fact]
    public async Task Without_partial_batch_responses_a_refusal_fails_the_invocation_after_one_request()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, NoAggregates, reportBatchItemFailures: false);
        server.Enqueue(OpenSearchFault.Status(401));

        await Assert.ThrowsAsync<BatchRetryRequiredException>(() => forwarder.InvokeAsync(LogValues.Records(4, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(20)));

        Assert.Equal([401], server.Requests.Select(r => r.Status));
        Assert.Single(forwarder.LogLines(Message));
        Assert.Empty(server.Documents());
    }
}
