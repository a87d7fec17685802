using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.RollbackTrigger;
using Automation.RollbackTrigger.GitHub;

namespace Automation.Functions.Tests.GitHub;

/// <summary>The secret's two forms, the App's JWT, sample lines, and what INIT insists on before the function may dispatch.</summary>
public sealed class CredentialsTests
{
    [Fact]
    public void A_plain_string_is_a_token_and_is_not_printed()
    {
        var secret = GitHubSecret.Parse("  github_pat_11ABCDEF0123456789_abcdef\n");

        Assert.False(secret.IsApp);
        Assert.Equal("github_pat_11ABCDEF0123456789_abcdef", secret.Token);
        Assert.Equal("GitHub token", secret.ToString());
    }

    [Fact]
    public void An_apps_json_is_read_with_ids_as_numbers_or_text()
    {
        using var key = RSA.Create(2048);
        var json = $$"""{"appId": "42", "installationId": 99, "privateKey": {{JsonSerializer.Serialize(key.ExportRSAPrivateKeyPem())}}, "note": "ci"}""";

        var secret = GitHubSecret.Parse(json);

        Assert.True(secret.IsApp);
        Assert.Equal((42L, 99L), (secret.AppId, secret.InstallationId));
        Assert.Equal("GitHub App 42, installation 99", secret.ToString());
        Assert.DoesNotContain("PRIVATE", secret.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("two words", "not one token")]
    [InlineData("{\"appId\": 1, ", "not valid JSON")]
    [InlineData("{\"appId\": 1, \"privateKey\": \"k\"}", "lacks installationId")]
    [InlineData("{\"appId\": -1, \"installationId\": 2, \"privateKey\": \"k\"}", "appId must be a whole number above 0")]
    [InlineData("{\"appId\": 1, \"installationId\": 2, \"privateKey\": \"hunter2-not-a-key\"}", "not an RSA private key in PEM")]
    public void A_bad_secret_says_what_is_wrong_without_quoting_it(string value, string gist)
    {
        var error = Assert.Throws<FormatException>(() => GitHubSecret.Parse(value));

        Assert.Contains(gist, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("words", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_jwt_is_rs256_signed_by_the_key_and_names_the_app()
    {
        using var key = RSA.Create(2048);
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        var parts = AppJwt.Create(42, key.ExportRSAPrivateKeyPem(), now).Split('.');

        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("42", payload.RootElement.GetProperty("iss").GetString());
        Assert.Equal(now.AddSeconds(-60).ToUnixTimeSeconds(), payload.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(now.AddMinutes(9).ToUnixTimeSeconds(), payload.RootElement.GetProperty("exp").GetInt64());
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData("GET /api 500\u001b[31m boom\r\n", 100, "GET /api 500 [31m boom")]
    [InlineData("a\u0000\u0000b", 100, "a b")]
    [InlineData("0123456789abcdef", 10, "012345678…")]
    [InlineData("12345678😀x", 10, "12345678…")]
    public void Sample_lines_lose_control_characters_and_are_cut(string line, int max, string expected)
    {
        Assert.Equal(expected, SampleLines.Clean(line, max));
    }

    [Fact]
    public void Init_refuses_to_dispatch_without_a_secret_or_an_allow_list_but_dry_run_needs_neither()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var withList = Path.Combine(dir.FullName, "with.yaml");
            var without = Path.Combine(dir.FullName, "without.yaml");
            const string Rule = "version: 1\nrules:\n  - id: r\n    match: { contains: x }\n    actions:\n      - { type: github_workflow, repo: acme/shop, workflow: rollback.yml }\n";
            File.WriteAllText(withList, Rule + "github:\n  repositories: [acme/shop]\n");
            File.WriteAllText(without, Rule);

            var noSecret = Assert.Throws<ConfigurationException>(() => RollbackFunction.CreateSink(Services(withList, dryRun: false), GitHubRetryOptions.Default));
            var noList = Assert.Throws<ConfigurationException>(() => RollbackFunction.CreateSink(Services(without, dryRun: false), GitHubRetryOptions.Default));

            Assert.Contains(RollbackFunction.GitHubSecretVariable + " is not set", noSecret.Message, StringComparison.Ordinal);
            Assert.Contains("no github.repositories", noList.Message, StringComparison.Ordinal);
            Assert.NotNull(RollbackFunction.CreateSink(Services(without, dryRun: true), GitHubRetryOptions.Default));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static FunctionServices Services(string rulesFile, bool dryRun)
    {
        var settings = new FunctionSettings(RollbackFunction.LogicalId, ReportBatchItemFailures: true, dryRun, LogSeverity.Info, rulesFile);
        return new FunctionServices(settings, RulesLoader.Load(rulesFile), new JsonLog(TextWriter.Null, TimeProvider.System), FunctionSecrets.None,
            new ActionLedger(new InMemoryRuleStateStore(), TimeProvider.System), TimeProvider.System);
    }
}
