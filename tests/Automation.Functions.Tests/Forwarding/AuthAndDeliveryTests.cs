using System.Text.Json.Nodes;
using Amazon.Runtime;
using Automation.Core.Aws.Secrets;
using Automation.Core.Pipeline;
using Automation.LogForwarder;
using Automation.Testing;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>Both auth modes against the fake (which verifies them), and what happens when OpenSearch does not answer in time.</summary>
public sealed class AuthAndDeliveryTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Rules = "version: 1\nrules:\n  - id: errors\n    match: { field: level, equals: error }\n";

    [Fact]
    public async Task Serverless_requests_are_signed_for_aoss_with_the_payload_hash()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.SigV4 = new SigV4Verifier(ForwarderHarness.AccessKey, ForwarderHarness.SecretKey, ForwarderHarness.Region, "aoss");
        var forwarder = await ForwarderHarness.StartAsync(server, Rules, service: "aoss");
        var records = LogValues.Records(20, TimeSpan.FromSeconds(1));

        Assert.Empty(await forwarder.InvokeAsync(records));

        Assert.Empty(server.Violations);
        Assert.Equal(20, server.Documents("logs-2026.11.27").Count);
    }

    [Fact]
    public async Task A_signature_the_server_refuses_stores_nothing_and_hands_every_record_back_at_once()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.SigV4 = new SigV4Verifier(ForwarderHarness.AccessKey, "another-secret", ForwarderHarness.Region, "es");
        var forwarder = await ForwarderHarness.StartAsync(server, Rules);
        var records = LogValues.Records(10, TimeSpan.FromSeconds(1));

        // A long deadline: with retries, the fast backoff would send dozens of requests before it.
        var failures = await forwarder.InvokeAsync(records, TimeSpan.FromSeconds(20));

        Assert.Equal(records.Select(r => r.Coordinates.ToString()).Order(), failures.Select(f => f.ToString()).Order());
        Assert.Empty(server.Documents());
        Assert.Contains(server.Violations, v => v.Contains("signature does not match", StringComparison.Ordinal));
        Assert.Equal([403], server.Requests.Select(r => r.Status));
        var line = Assert.Single(forwarder.LogLines("forwarded"));
        Assert.Equal(10, line.GetProperty("retriedRecords").GetInt32());
        Assert.Equal("HTTP 403", line.GetProperty("lastProblem").GetString());
        var error = Assert.Single(forwarder.LogLines(AuthFailureTests.Message));
        Assert.Equal(403, error.GetProperty("status").GetInt32());
        Assert.Equal(server.Endpoint.Host, error.GetProperty("host").GetString());
        Assert.DoesNotContain(ForwarderHarness.SecretKey, forwarder.Log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ForwarderHarness.AccessKey, forwarder.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_takes_the_username_and_password_from_the_secret()
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var arn = await MotoSecretsManager.CreateSecretAsync(moto, "opensearch/forwarder-" + Guid.NewGuid().ToString("N"),
            $$"""{"username":"forwarder","password":"{{password}}"}""");
        await using var server = await FakeOpenSearch.StartAsync();
        server.Basic = ("forwarder", password);
        var forwarder = await ForwarderHarness.StartAsync(server, Rules,
            extra: new() { [ForwarderOptions.AuthVariable] = "basic", [LogForwarderFunction.OpenSearchSecretVariable] = arn },
            secrets: SecretsClient);

        Assert.Empty(await forwarder.InvokeAsync(LogValues.Records(6, TimeSpan.FromSeconds(1))));

        Assert.Empty(server.Violations);
        Assert.Equal(6, server.Documents("logs-2026.11.27").Count);
        Assert.DoesNotContain(password, forwarder.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_without_username_and_password_fails_init_without_showing_it()
    {
        var arn = await MotoSecretsManager.CreateSecretAsync(moto, "opensearch/bad-" + Guid.NewGuid().ToString("N"), "just-a-password");
        await using var server = await FakeOpenSearch.StartAsync();

        var error = await Assert.ThrowsAsync<Automation.Core.Configuration.ConfigurationException>(() => ForwarderHarness.StartAsync(server, Rules,
            extra: new() { [ForwarderOptions.AuthVariable] = "basic", [LogForwarderFunction.OpenSearchSecretVariable] = arn },
            secrets: SecretsClient));

        Assert.Contains("username and password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("just-a-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_hangs_past_the_deadline_gets_the_records_handed_back_in_time()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, Rules);
        var records = LogValues.Records(8, TimeSpan.FromSeconds(1));
        server.Enqueue(OpenSearchFault.Hung);

        var started = TimeProvider.System.GetTimestamp();
        var failures = await forwarder.InvokeAsync(records, TimeSpan.FromSeconds(1.5));

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(1.5), "answered after the deadline");
        Assert.Equal(records.Select(r => r.Coordinates.ToString()).Order(), failures.Select(f => f.ToString()).Order());
        Assert.True(await server.WaitForHungRequestAsync(TimeSpan.FromSeconds(10)), "the client never gave up the hung request");
        Assert.Equal(1, server.HungRequests);

        // Delivered again, they are stored once.
        Assert.Empty(await forwarder.InvokeAsync(records));
        Assert.Equal(8, server.Documents("logs-2026.11.27").Count);
    }

    [Fact]
    public async Task Without_partial_batch_responses_unsent_records_fail_the_invocation()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, Rules, reportBatchItemFailures: false);
        server.Enqueue(OpenSearchFault.Hung);

        await Assert.ThrowsAsync<BatchRetryRequiredException>(() => forwarder.InvokeAsync(LogValues.Records(4, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_rejected_item_inside_a_200_is_resent_alone()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        var forwarder = await ForwarderHarness.StartAsync(server, "version: 1\nrules: []\nforwarding:\n  aggregates: { enabled: false }\n");
        server.Enqueue(OpenSearchFault.RejectItems(i => i == 2));

        Assert.Empty(await forwarder.InvokeAsync(LogValues.Records(5, TimeSpan.FromSeconds(1))));

        Assert.Equal([5, 1], server.Requests.Select(r => r.Items));
        Assert.Equal(1, server.Requests[0].FailedItems);
        Assert.Equal(5, server.Documents("logs-2026.11.27").Count);
    }

    private SecretsManagerClient SecretsClient() => new(new HttpClient(), new SecretsManagerClientOptions
    {
        Region = MotoSecretsManager.Region,
        Endpoint = moto.Endpoint,
        Credentials = new BasicAWSCredentials("testing", "testing"),
    }, TimeProvider.System);
}
