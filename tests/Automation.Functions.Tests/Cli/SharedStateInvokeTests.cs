using System.Text.Json;
using Automation.Testing;

namespace Automation.Functions.Tests.Cli;

/// <summary>
/// The offline invoke with STATE_TABLE set keeps the action ledger in DynamoDB (moto's server on 127.0.0.1, reached
/// through the SDK's standard AWS_ENDPOINT_URL_DYNAMODB): what one invocation decided, the next one sees.
/// </summary>
public sealed class SharedStateInvokeTests : IDisposable
{
    private readonly MotoServer _moto = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("shared-state-").FullName;

    public void Dispose()
    {
        _moto.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task A_second_invoke_of_the_same_event_reports_the_planned_action_as_already_done()
    {
        using var client = MotoDynamoDb.Client(_moto);
        var table = await MotoDynamoDb.CreateTableAsync(client);
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, SampleRules.OomRestartWithCooldown);
        var environment = new Dictionary<string, string>
        {
            ["STATE_TABLE"] = table,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _moto.Endpoint.ToString(),
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
        };
        string[] args = ["invoke", "PodRestartFunction", "-e", "events/pod-crashloop.json", "-r", rules];

        var first = await CliProcess.RunAsync(environment, args);
        var second = await CliProcess.RunAsync(environment, args);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal("dynamodb", Init(first.Stderr).GetProperty("state").GetString());
        var planned = Audits(first.Stderr);
        var repeated = Audits(second.Stderr);
        Assert.NotEmpty(planned);
        Assert.All(planned, a => Assert.Equal("dry_run", a.GetProperty("outcome").GetString()));
        Assert.All(repeated, a => Assert.Equal("already_done", a.GetProperty("outcome").GetString()));
        // The second invocation names the first one, whose request id is in the ledger.
        var firstRequest = planned[0].GetProperty("requestId").GetString()!;
        Assert.All(repeated, a => Assert.Contains(firstRequest, a.GetProperty("reason").GetString(), StringComparison.Ordinal));
        Assert.NotEqual(firstRequest, repeated[0].GetProperty("requestId").GetString());
        Assert.Equal(Targets(planned), Targets(repeated));
    }

    private static List<JsonElement> Lines(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static JsonElement Init(string stderr) => Lines(stderr).Single(l => l.GetProperty("message").GetString() == "function initialised");

    private static List<JsonElement> Audits(string stderr) => Lines(stderr).Where(l => l.TryGetProperty("audit", out _)).ToList();

    private static List<string> Targets(List<JsonElement> audits) =>
        audits.Select(a => a.GetProperty("action").GetProperty("parameters").GetRawText()).Order(StringComparer.Ordinal).ToList();
}
