using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.LogForwarder;
using Automation.Testing;
using Automation.Testing.Lambda;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.EndToEnd;

/// <summary>
/// LogForwarderFunction's deployable artifact (Native AOT) against the fake Runtime API and the fake OpenSearch, which
/// verifies SigV4 and takes gzip: a sample event is indexed, each record once under its deterministic id, with its
/// aggregates; the same event again, in the same warm environment, changes nothing.
/// </summary>
[Collection(PublishedForwarderBootstrapCollection.Name)]
public sealed class ForwarderBootstrapTests(PublishedForwarderBootstrap bootstrap) : IDisposable
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "e2e-secret-key-for-the-fake";
    private const string Region = "eu-west-1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _scratch = Directory.CreateTempSubdirectory("forwarder-bootstrap-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task The_published_bootstrap_indexes_a_sample_event_once_and_a_replay_changes_nothing()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.SigV4 = new SigV4Verifier(AccessKey, SecretKey, Region, "es");
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, """
            version: 1
            rules:
              - id: server-errors
                match: { field: level, equals: error }
            forwarding:
              records: all
              index: logs-%{yyyy.MM.dd}
              aggregates:
                enabled: true
                index: agg-%{yyyy.MM}
                samples: 2
            """);
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress, new Dictionary<string, string>
        {
            ["RULES_FILE"] = rules,
            ["DRY_RUN"] = "false",
            ["REPORT_BATCH_ITEM_FAILURES"] = "true",
            [ForwarderOptions.EndpointVariable] = server.Endpoint.ToString(),
            [ForwarderOptions.ServiceVariable] = "es",
            ["AWS_REGION"] = Region,
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });
        var payload = await File.ReadAllBytesAsync(Path.Combine(Fixtures.RepoRoot, "events", "http-5xx-after-deploy.json"));
        var expectedIds = Ids(payload);

        var first = await InvokeAsync(api, payload, function);

        Assert.False(first.IsError, System.Text.Encoding.UTF8.GetString(first.Body) + "\n" + function.Stderr);
        AssertNoFailures(first.Body);
        Assert.Empty(server.Violations);
        Assert.All(server.Requests, r => Assert.True(r.Gzip));
        var documents = server.Documents("logs-");
        Assert.Equal(expectedIds.Order(StringComparer.Ordinal), documents.Keys.Select(k => k.Id).Order(StringComparer.Ordinal));
        Assert.All(documents, d => Assert.Equal(d.Key.Id, $"{d.Value["kafka"]!["topic"]}-{d.Value["kafka"]!["partition"]}-{d.Value["kafka"]!["offset"]}"));
        // Every record the rule matched is counted once in its minute's aggregate.
        var errors = documents.Values.Count(d => ((JsonArray)d["rules"]!).Any(r => (string?)r == "server-errors"));
        Assert.InRange(errors, 1, expectedIds.Count - 1);
        var aggregates = server.Documents("agg-");
        Assert.NotEmpty(aggregates);
        Assert.Equal(errors, aggregates.Values.Sum(a => (long)a["count"]!));
        Assert.All(aggregates.Values, a => Assert.Equal("server-errors", (string)a["rule"]!));
        var requestsBefore = server.Requests.Count;
        var storedBefore = Snapshot(server);

        var second = await InvokeAsync(api, payload, function);

        Assert.False(second.IsError, System.Text.Encoding.UTF8.GetString(second.Body) + "\n" + function.Stderr);
        AssertNoFailures(second.Body);
        Assert.True(server.Requests.Count > requestsBefore, "the replay was not sent at all");
        Assert.Empty(server.Violations);
        // Same ids, same documents, aggregate counts unchanged: the replay overwrote, it did not add.
        Assert.Equal(storedBefore, Snapshot(server));
        Assert.Equal(errors, server.Documents("agg-").Values.Sum(a => (long)a["count"]!));
        Assert.DoesNotContain(SecretKey, function.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_published_bootstrap_stores_the_audit_lines_of_a_CloudWatch_Logs_event_once()
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.SigV4 = new SigV4Verifier(AccessKey, SecretKey, Region, "es");
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, "version: 1\nrules:\n  - id: server-errors\n    match: { field: level, equals: error }\n");
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress, new Dictionary<string, string>
        {
            ["RULES_FILE"] = rules,
            ["DRY_RUN"] = "false",
            [ForwarderOptions.EndpointVariable] = server.Endpoint.ToString(),
            [ForwarderOptions.ServiceVariable] = "es",
            ["AWS_REGION"] = Region,
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });
        // PodRestartFunction's own lines for a sample event (the CLI's dry-run invoke runs the same handler as Lambda).
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await new Automation.Cli.LocalInvoker(stdout, stderr, _ => null, TimeProvider.System).InvokeAsync(
            Automation.PodRestarter.PodRestartFunction.LogicalId, Path.Combine(Fixtures.RepoRoot, "events", "pod-crashloop.json"), null, null,
            TimeSpan.FromSeconds(30), live: false, CancellationToken.None);
        Assert.Equal(Automation.Cli.LocalInvoker.Success, exit);
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Prepend("START RequestId: 1 Version: $LATEST").ToList();
        var audits = lines.Count(l => l.StartsWith('{') && JsonDocument.Parse(l).RootElement.TryGetProperty("audit", out _));
        Assert.InRange(audits, 1, lines.Count - 1);
        var payload = CloudWatchLogsEvents.Wrap("/aws/lambda/stack/PodRestartFunction", "2026/11/27/[$LATEST]abc", lines, DateTimeOffset.UtcNow, out var ids);

        var first = await InvokeAsync(api, payload, function);

        Assert.False(first.IsError, System.Text.Encoding.UTF8.GetString(first.Body) + "\n" + function.Stderr);
        Assert.Empty(server.Violations);
        var documents = server.Documents("automation-audit");
        Assert.Equal(audits, documents.Count);
        Assert.All(documents.Keys, k => Assert.Contains(k.Id, ids));
        Assert.All(documents.Values, d => Assert.Equal(Automation.PodRestarter.PodRestartFunction.LogicalId, (string?)d["function"]));
        var stored = Snapshot(server);

        var second = await InvokeAsync(api, payload, function);

        Assert.False(second.IsError, System.Text.Encoding.UTF8.GetString(second.Body) + "\n" + function.Stderr);
        Assert.Equal(stored, Snapshot(server));
        var summaries = function.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("message").GetString() == "audit lines indexed")
            .ToList();
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, l => Assert.Equal(audits, l.GetProperty("indexed").GetInt32()));
    }

    /// <summary>The deterministic ids of the event's records: topic-partition-offset.</summary>
    private static List<string> Ids(byte[] payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("records").EnumerateObject()
            .SelectMany(partition => partition.Value.EnumerateArray())
            .Select(r => $"{r.GetProperty("topic").GetString()}-{r.GetProperty("partition").GetInt32()}-{r.GetProperty("offset").GetInt64()}")
            .ToList();
    }

    /// <summary>One invocation through the Runtime API; when it never completes, the bootstrap's log says why.</summary>
    private static async Task<InvocationOutcome> InvokeAsync(FakeLambdaRuntimeApi api, byte[] payload, BootstrapProcess function)
    {
        try
        {
            var outcome = api.Enqueue(new FakeInvocation(payload));
            if (await Task.WhenAny(outcome, api.InitError).WaitAsync(Patience) != outcome)
            {
                throw new InvalidOperationException("INIT failed:\n" + function.Stderr);
            }
            return await outcome;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException("no answer from the bootstrap:\n" + function.Stderr, e);
        }
    }

    private static void AssertNoFailures(byte[] body)
    {
        using var response = JsonDocument.Parse(body);
        Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
    }

    /// <summary>Every stored document as text, by index and id.</summary>
    private static SortedDictionary<string, string> Snapshot(FakeOpenSearch server) =>
        new(server.Documents().ToDictionary(d => d.Key.Index + "/" + d.Key.Id, d => d.Value.ToJsonString()), StringComparer.Ordinal);
}
