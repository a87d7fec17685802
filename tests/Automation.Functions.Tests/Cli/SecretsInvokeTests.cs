using System.Text.Json;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;

namespace Automation.Functions.Tests.Cli;

/// <summary>
/// The offline invoke reads a function's secret at INIT exactly as the deployed function does (moto's Secrets Manager
/// on 127.0.0.1, reached through the standard AWS_ENDPOINT_URL_SECRETS_MANAGER), and a missing one stops it with a
/// one-line error naming the variable and the secret.
/// </summary>
public sealed class SecretsInvokeTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task A_missing_secret_is_a_one_line_init_error_naming_variable_and_secret()
    {
        var missing = MotoSecretsManager.MissingSecretArn("github-" + Guid.NewGuid().ToString("N"));
        var environment = Environment((RollbackFunction.GitHubSecretVariable, missing));

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(environment, "invoke", RollbackFunction.LogicalId, "-e", "events/noise.json");

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {RollbackFunction.LogicalId} failed to initialise: ", line, StringComparison.Ordinal);
        Assert.Contains(RollbackFunction.GitHubSecretVariable, line, StringComparison.Ordinal);
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_present_secret_is_loaded_and_its_value_is_printed_nowhere()
    {
        var token = "ghp_" + Guid.NewGuid().ToString("N");
        var arn = await MotoSecretsManager.CreateSecretAsync(moto, "github-" + Guid.NewGuid().ToString("N"), token);
        var environment = Environment((RollbackFunction.GitHubSecretVariable, arn), (PodRestartFunction.KubeconfigSecretVariable, arn));

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(environment, "invoke", RollbackFunction.LogicalId, "-e", "events/noise.json");

        Assert.True(exitCode == 0, stderr);
        var init = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Single(l => l.GetProperty("message").GetString() == "function initialised");
        // Only the function's own variable counts: KUBECONFIG_SECRET_ARN is PodRestartFunction's.
        Assert.Equal([RollbackFunction.GitHubSecretVariable], init.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()));
        Assert.DoesNotContain(token, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(token, stdout, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(params (string Name, string Value)[] secrets)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = moto.Endpoint.ToString(),
            ["AWS_REGION"] = MotoSecretsManager.Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        foreach (var (name, value) in secrets)
        {
            environment[name] = value;
        }
        return environment;
    }
}
