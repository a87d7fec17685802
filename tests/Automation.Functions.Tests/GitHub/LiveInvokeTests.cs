using System.Text.Json;
using Automation.Functions.Tests.Cli;
using Automation.RollbackTrigger;
using Automation.Testing;
using Automation.Testing.GitHub;

namespace Automation.Functions.Tests.GitHub;

/// <summary>
/// `invoke RollbackFunction --live` as an operator runs it: the CLI in its own process, the token from Secrets Manager
/// (moto) through GITHUB_SECRET_ARN, the ledger in DynamoDB (moto) through STATE_TABLE, and the fake GitHub as
/// github.api_url. The 5xx burst dispatches exactly once with the expected inputs; the same batch again dispatches nothing.
/// </summary>
public sealed class LiveInvokeTests : IAsyncLifetime
{
    private readonly MotoServer _moto = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("rollback-live-").FullName;
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
    public async Task A_5xx_burst_dispatches_once_and_the_same_batch_again_dispatches_nothing()
    {
        _h.GitHub.AcceptToken(_token);
        using var dynamo = MotoDynamoDb.Client(_moto);
        var table = await MotoDynamoDb.CreateTableAsync(dynamo);
        var secret = await MotoSecretsManager.CreateSecretAsync(_moto, "github-" + Guid.NewGuid().ToString("N"), _token);
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, _h.RulesText());
        var environment = new Dictionary<string, string>
        {
            [RollbackFunction.GitHubSecretVariable] = secret,
            ["STATE_TABLE"] = table,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _moto.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = _moto.Endpoint.ToString(),
            ["AWS_REGION"] = MotoSecretsManager.Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        string[] args = ["invoke", RollbackFunction.LogicalId, "--live", "-e", "events/http-5xx-after-deploy.json", "-r", rules];

        var first = await CliProcess.RunAsync(environment, args);
        var second = await CliProcess.RunAsync(environment, args);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var dispatch = Assert.Single(_h.GitHub.Dispatches);
        Assert.Empty(dispatch.SchemaErrors);
        Assert.Equal("Bearer " + _token, dispatch.Authorization);
        var inputs = dispatch.Body!["inputs"]!.AsObject();
        Assert.Equal(
            [
                ("image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/checkout-web:3.9.0"),
                ("namespace", "checkout"),
                ("reason", "checkout-5xx-rollback: 24 answers >= 500 within 5m"),
                ("rollback_to", RollbackHarness.DeploySha),
                ("service", "checkout-web"),
            ],
            inputs.Where(i => i.Key != "log_sample").Select(i => (i.Key, (string)i.Value!)).OrderBy(i => i.Key, StringComparer.Ordinal));
        Assert.Equal(3, ((string)inputs["log_sample"]!).Split('\n').Length);

        var action = Assert.Single(Lines(first.Stderr), l => l.TryGetProperty("audit", out var a) && a.GetString() == "action");
        Assert.Equal("succeeded", action.GetProperty("outcome").GetString());
        Assert.Equal((string?)_h.GitHub.DispatchExample["html_url"], action.GetProperty("facts").GetProperty("htmlUrl").GetString());
        var again = Assert.Single(Lines(second.Stderr), l => l.TryGetProperty("audit", out var a) && a.GetString() == "decision");
        Assert.Equal("already_done", again.GetProperty("outcome").GetString());
        Assert.DoesNotContain(Lines(second.Stderr), l => l.TryGetProperty("audit", out var a) && a.GetString() == "action");
        foreach (var output in new[] { first.Stdout, first.Stderr, second.Stdout, second.Stderr })
        {
            Assert.DoesNotContain(_token, output, StringComparison.Ordinal);
        }
    }

    private static List<JsonElement> Lines(string stderr) =>
        [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
