using System.Text.Json;
using Automation.Functions.Tests.GitHub;
using Automation.RollbackTrigger;
using Automation.Testing;
using Automation.Testing.Lambda;

namespace Automation.Functions.Tests.EndToEnd;

/// <summary>
/// RollbackFunction's deployable artifact (ReadyToRun, so Octokit's reflection-based JSON keeps request bodies)
/// against the fake Runtime API, Secrets Manager (moto) and the fake GitHub: the 5xx burst dispatches exactly once
/// with the expected inputs; the same batch again, in the same warm environment, dispatches nothing.
/// </summary>
[Collection(PublishedRollbackBootstrapCollection.Name)]
public sealed class RollbackBootstrapTests(PublishedRollbackBootstrap bootstrap) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly MotoServer _moto = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("rollback-bootstrap-").FullName;
    private readonly string _token = "github_pat_" + Guid.NewGuid().ToString("N");
    private RollbackHarness _h = null!;

    public async Task InitializeAsync() => _h = await RollbackHarness.StartAsync();

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _moto.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task The_published_bootstrap_dispatches_once_and_not_again_for_the_same_batch()
    {
        _h.GitHub.AcceptToken(_token);
        var secret = await MotoSecretsManager.CreateSecretAsync(_moto, "github-" + Guid.NewGuid().ToString("N"), _token);
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, _h.RulesText());
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress, new Dictionary<string, string>
        {
            ["RULES_FILE"] = rules,
            ["DRY_RUN"] = "false",
            ["REPORT_BATCH_ITEM_FAILURES"] = "true",
            [RollbackFunction.GitHubSecretVariable] = secret,
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = _moto.Endpoint.ToString(),
            ["AWS_REGION"] = MotoSecretsManager.Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });
        var payload = await File.ReadAllBytesAsync(Path.Combine(Fixtures.RepoRoot, "events", "http-5xx-after-deploy.json"));

        var first = await api.Enqueue(new FakeInvocation(payload)).WaitAsync(Patience);
        var second = await api.Enqueue(new FakeInvocation(payload)).WaitAsync(Patience);

        Assert.False(first.IsError, System.Text.Encoding.UTF8.GetString(first.Body) + "\n" + function.Stderr);
        Assert.False(second.IsError, System.Text.Encoding.UTF8.GetString(second.Body) + "\n" + function.Stderr);
        using (var response = JsonDocument.Parse(first.Body))
        {
            Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        }
        var dispatch = Assert.Single(_h.GitHub.Dispatches);
        Assert.Empty(dispatch.SchemaErrors);
        Assert.Equal(200, dispatch.Status);
        var inputs = dispatch.Body!["inputs"]!.AsObject();
        Assert.Equal("checkout-web", (string?)inputs["service"]);
        Assert.Equal("checkout", (string?)inputs["namespace"]);
        Assert.Equal("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/checkout-web:3.9.0", (string?)inputs["image"]);
        Assert.Equal(RollbackHarness.DeploySha, (string?)inputs["rollback_to"]);

        var lines = function.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var action = Assert.Single(lines, l => l.TryGetProperty("audit", out var a) && a.GetString() == "action");
        Assert.Equal("succeeded", action.GetProperty("outcome").GetString());
        Assert.Equal("1", action.GetProperty("facts").GetProperty("runId").GetString());
        Assert.Contains(lines, l => l.TryGetProperty("audit", out var a) && a.GetString() == "decision" && l.GetProperty("outcome").GetString() == "already_done");
        Assert.DoesNotContain(_token, function.Stderr, StringComparison.Ordinal);
    }
}
