using System.Text.Json;
using Amazon.Runtime;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Pipeline;
using Automation.Core.Tests.Aws.Secrets;
using Automation.Testing;

namespace Automation.Core.Tests.Pipeline;

/// <summary>
/// A function's secrets at INIT, against moto's Secrets Manager: each configured secret is read once while the
/// function is built, handed to its action stage through the cached client, and a missing one fails INIT naming the
/// variable and the secret, never showing a value.
/// </summary>
public sealed class FunctionSecretsCompositionTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Variable = "TEST_SECRET_ARN";
    private const string OtherVariable = "OTHER_SECRET_ARN";

    private readonly StringWriter _log = new();
    private readonly CountingHandler _http = new();
    private int _clientsCreated;
    private FunctionServices? _services;

    [Fact]
    public async Task A_configured_secret_is_read_at_init_and_the_sink_gets_it_from_the_cache()
    {
        var value = "{\"token\":\"ghp_" + Guid.NewGuid().ToString("N") + "\"}";
        var arn = await MotoSecretsManager.CreateSecretAsync(moto, "app/token-" + Guid.NewGuid().ToString("N"), value);

        await InitAsync(new Dictionary<string, string> { [Variable] = arn });

        Assert.Equal(1, _http.Count);
        Assert.NotNull(_services);
        Assert.True(_services.Secrets.Has(Variable));
        Assert.False(_services.Secrets.Has(OtherVariable));
        Assert.Equal(value, await _services.Secrets.GetAsync(Variable, CancellationToken.None));
        // Served from the cache INIT filled: no second call.
        Assert.Equal(1, _http.Count);

        var init = InitLine();
        Assert.Equal([Variable], init.GetProperty("secrets").EnumerateArray().Select(v => v.GetString()));
        Assert.DoesNotContain(value, _log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_fails_init_naming_the_variable_and_the_secret()
    {
        var missing = MotoSecretsManager.MissingSecretArn("app/absent-" + Guid.NewGuid().ToString("N"));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => InitAsync(new Dictionary<string, string> { [Variable] = missing }));

        Assert.Equal(Variable, error.VariableName);
        Assert.Equal(missing, error.SecretId);
        Assert.StartsWith("ResourceNotFoundException", error.Reason, StringComparison.Ordinal);
        Assert.Contains(Variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Reason, error.Message, StringComparison.Ordinal);
        Assert.Null(_services);
        Assert.DoesNotContain("function initialised", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_one_of_two_secrets_is_missing_neither_the_error_nor_the_log_shows_the_other_ones_value()
    {
        var value = "password-" + Guid.NewGuid().ToString("N");
        var present = await MotoSecretsManager.CreateSecretAsync(moto, "app/present-" + Guid.NewGuid().ToString("N"), value);
        var missing = MotoSecretsManager.MissingSecretArn("app/absent-" + Guid.NewGuid().ToString("N"));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(
            () => InitAsync(new Dictionary<string, string> { [Variable] = present, [OtherVariable] = missing }));

        Assert.Equal(OtherVariable, error.VariableName);
        Assert.Equal(missing, error.SecretId);
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(value, e.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(value, _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unset_or_blank_secret_variables_need_no_client_and_are_not_listed()
    {
        await InitAsync(new Dictionary<string, string> { [Variable] = "  " });

        Assert.Equal(0, _clientsCreated);
        Assert.Equal(0, _http.Count);
        Assert.Empty(_services!.Secrets.Variables);
        Assert.Empty(InitLine().GetProperty("secrets").EnumerateArray());
        await Assert.ThrowsAsync<InvalidOperationException>(() => _services.Secrets.GetAsync(Variable, CancellationToken.None));
    }

    [Fact]
    public async Task A_secrets_client_that_cannot_be_configured_fails_init_naming_the_variable()
    {
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.RulesFileVariable] = Fixtures.PathOf("rules", "valid-everything.yaml"),
            [OtherVariable] = MotoSecretsManager.MissingSecretArn("app/any"),
        };
        var definition = new FunctionDefinition("TestFunction", [Variable, OtherVariable], _ => new NoActionSink());

        // What SecretsManagerClientOptions.FromEnvironment throws when no region is configured anywhere.
        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => FunctionComposition.CreateHandlerAsync(
            definition, name => environment.GetValueOrDefault(name), _log, TimeProvider.System,
            () => throw new InvalidOperationException("No AWS region: set AWS_REGION"), CancellationToken.None));

        Assert.Equal(OtherVariable, error.VariableName);
        Assert.Equal(environment[OtherVariable], error.SecretId);
        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    private Task InitAsync(Dictionary<string, string> environment)
    {
        environment[FunctionSettings.RulesFileVariable] = Fixtures.PathOf("rules", "valid-everything.yaml");
        var definition = new FunctionDefinition("TestFunction", [Variable, OtherVariable], services =>
        {
            _services = services;
            return new NoActionSink();
        });
        return FunctionComposition.CreateHandlerAsync(definition, name => environment.GetValueOrDefault(name), _log, TimeProvider.System, CreateClient, CancellationToken.None);
    }

    private SecretsManagerClient CreateClient()
    {
        _clientsCreated++;
        var options = new SecretsManagerClientOptions
        {
            Region = MotoSecretsManager.Region,
            Endpoint = moto.Endpoint,
            Credentials = new BasicAWSCredentials("testing", "testing"),
        };
        return new SecretsManagerClient(new HttpClient(_http), options, TimeProvider.System);
    }

    private JsonElement InitLine() =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Single(line => line.GetProperty("message").GetString() == "function initialised");
}
