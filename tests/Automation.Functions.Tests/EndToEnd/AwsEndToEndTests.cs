using System.Text.Json;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Loading;
using Automation.PodRestarter;
using Automation.Testing;
using Automation.Testing.Lambda;

namespace Automation.Functions.Tests.EndToEnd;

/// <summary>
/// The Native AOT bootstrap against moto, configured only through the standard AWS variables: its secret is read at
/// INIT (or INIT fails naming it), and its rule state lives in DynamoDB, shared by separate processes.
/// </summary>
[Collection(PublishedBootstrapCollection.Name)]
public sealed class AwsEndToEndTests(PublishedBootstrap bootstrap, MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _scratch = Directory.CreateTempSubdirectory("aws-e2e-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task A_missing_secret_fails_init_naming_its_variable_and_the_process_exits_non_zero()
    {
        var missing = MotoSecretsManager.MissingSecretArn("kubeconfig-" + Guid.NewGuid().ToString("N"));
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress,
            AwsEnvironment(("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.Endpoint.ToString()), (PodRestartFunction.KubeconfigSecretVariable, missing)));

        var initError = await api.InitError.WaitAsync(Patience);
        var exitCode = await function.WaitForExitAsync(Patience);

        using var body = JsonDocument.Parse(initError.Body);
        Assert.Equal("SecretUnavailableException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("SecretUnavailableException", initError.ErrorType);
        var message = body.RootElement.GetProperty("errorMessage").GetString();
        Assert.Contains(missing, message, StringComparison.Ordinal);
        Assert.Contains(PodRestartFunction.KubeconfigSecretVariable, message, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", message, StringComparison.Ordinal);
        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public async Task A_present_secret_is_read_at_init_and_its_value_is_nowhere_in_the_log()
    {
        var value = "apiVersion: v1\nkind: Config\nusers: [{name: ci, user: {token: kc-" + Guid.NewGuid().ToString("N") + "}}]\n";
        var arn = await MotoSecretsManager.CreateSecretAsync(moto, "kubeconfig-" + Guid.NewGuid().ToString("N"), value);
        await using var api = await FakeLambdaRuntimeApi.StartAsync();

        // AWS_ENDPOINT_URL, the variable for every service, is enough.
        var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress,
            AwsEnvironment(("AWS_ENDPOINT_URL", moto.Endpoint.ToString()), (PodRestartFunction.KubeconfigSecretVariable, arn)));
        using (function)
        {
            var outcome = await api.Enqueue(new FakeInvocation(await File.ReadAllBytesAsync(PodCrashLoopEvent))).WaitAsync(Patience);
            Assert.False(outcome.IsError, System.Text.Encoding.UTF8.GetString(outcome.Body));
        }
        // Disposing waited for the process's end and the end of its stderr.
        var stderr = function.Stderr;

        Assert.False(api.InitError.IsCompleted);
        var init = Lines(stderr).Single(l => l.GetProperty("message").GetString() == "function initialised");
        Assert.Equal([PodRestartFunction.KubeconfigSecretVariable], init.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()));
        Assert.DoesNotContain("kc-", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: Config", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_action_ledger_lives_in_DynamoDB_so_a_second_process_finds_the_first_ones_action_done()
    {
        using var dynamo = MotoDynamoDb.Client(moto);
        var table = await MotoDynamoDb.CreateTableAsync(dynamo);
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, SampleRules.OomRestartWithCooldown);
        Assert.Single(RulesLoader.Load(rules).Rules);
        var environment = AwsEnvironment(
            ("AWS_ENDPOINT_URL_DYNAMODB", moto.Endpoint.ToString()),
            ("STATE_TABLE", table),
            ("RULES_FILE", rules),
            ("DRY_RUN", "false"));

        // Two processes, as two Lambda execution environments: nothing is shared but the table.
        var first = await InvokeOnceAsync(environment);
        var second = await InvokeOnceAsync(environment);

        Assert.Equal("dynamodb", Init(first).GetProperty("state").GetString());
        Assert.Equal("dynamodb", Init(second).GetProperty("state").GetString());
        var planned = Audits(first);
        var repeated = Audits(second);
        Assert.NotEmpty(planned);
        Assert.All(planned, a => Assert.Equal("fired", a.GetProperty("outcome").GetString()));
        Assert.Equal(planned.Count, repeated.Count);
        Assert.All(repeated, a => Assert.Equal("already_done", a.GetProperty("outcome").GetString()));
        Assert.Equal(Groups(planned), Groups(repeated));

        // The ledger is in the table, one entry per fired action, each with the outcome the action stage recorded
        // (these rules have no kubernetes: section, so the restart failed with that reason): the SDK's calls really
        // went to DynamoDB.
        var items = await dynamo.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest { TableName = table });
        var ledger = items.Items.Where(item => item["pk"].S.StartsWith("action#", StringComparison.Ordinal)).ToList();
        Assert.Equal(planned.Count, ledger.Count);
        Assert.All(ledger, entry => Assert.Equal("failed", entry["state"].S));
        Assert.All(ledger, entry => Assert.Contains("has no kubernetes: section", entry["detail"].S, StringComparison.Ordinal));
        Assert.All(ledger, entry => Assert.Equal(planned[0].GetProperty("requestId").GetString(), entry["request_id"].S));
    }

    private static string PodCrashLoopEvent => Path.Combine(Fixtures.RepoRoot, "events", "pod-crashloop.json");

    private async Task<string> InvokeOnceAsync(IReadOnlyDictionary<string, string> environment)
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress, environment);
        using (function)
        {
            var outcome = await api.Enqueue(new FakeInvocation(await File.ReadAllBytesAsync(PodCrashLoopEvent))).WaitAsync(Patience);
            Assert.False(outcome.IsError, System.Text.Encoding.UTF8.GetString(outcome.Body) + "\n" + function.Stderr);
        }
        return function.Stderr;
    }

    /// <summary>Region and fake keys for moto, nothing read from this machine's AWS configuration.</summary>
    private static Dictionary<string, string> AwsEnvironment(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_REGION"] = MotoSecretsManager.Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }
        return environment;
    }

    private static List<JsonElement> Lines(string stderr) =>
        [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static JsonElement Init(string stderr) =>
        Lines(stderr).Single(l => l.GetProperty("message").GetString() == "function initialised");

    private static List<string?> Groups(List<JsonElement> audits) =>
        [.. audits.Select(a => a.GetProperty("group").GetString()).Order(StringComparer.Ordinal)];

    private static List<JsonElement> Audits(string stderr) =>
        [.. Lines(stderr).Where(l => l.TryGetProperty("audit", out var kind) && kind.GetString() == "decision")];
}
