using System.Security.Cryptography;
using System.Text.Json;
using Automation.Testing.GitHub;

namespace Automation.Functions.Tests.GitHub;

/// <summary>A GitHub App as the secret: JWT → installation token through Octokit, cached until shortly before it expires.</summary>
public sealed class AppAuthTests : IAsyncLifetime
{
    private const long AppId = 123456;
    private const long InstallationId = 7890123;
    private readonly RSA _key = RSA.Create(2048);
    private RollbackHarness _h = null!;

    private string Pem => _key.ExportRSAPrivateKeyPem();

    public async Task InitializeAsync()
    {
        _h = await RollbackHarness.StartAsync();
        _h.GitHub.AcceptApp(AppId, InstallationId, _key);
        _h.Secret = JsonSerializer.Serialize(new Dictionary<string, object> { ["appId"] = AppId, ["installationId"] = InstallationId, ["privateKey"] = Pem });
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _key.Dispose();
    }

    private IReadOnlyList<GitHubRequest> TokenRequests => [.. _h.GitHub.Requests.Where(r => r.Path.EndsWith("/access_tokens", StringComparison.Ordinal))];

    [Fact]
    public async Task The_dispatch_goes_with_an_installation_token_and_no_secret_reaches_the_log()
    {
        await _h.HandleAsync(_h.RulesText(), "req-1");

        var tokenRequest = Assert.Single(TokenRequests);
        Assert.Equal($"/app/installations/{InstallationId}/access_tokens", tokenRequest.Path);
        Assert.Equal(201, tokenRequest.Status);
        var dispatch = Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal(200, dispatch.Status);
        Assert.StartsWith("Bearer ghs_", dispatch.Authorization, StringComparison.Ordinal);
        Assert.Equal("succeeded", Assert.Single(_h.Audits("action")).GetProperty("outcome").GetString());

        var log = _h.LogText;
        Assert.DoesNotContain(dispatch.Authorization!["Bearer ".Length..], log, StringComparison.Ordinal);
        Assert.DoesNotContain(tokenRequest.Authorization!["Bearer ".Length..], log, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Pem.Split('\n')[1], log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_installation_token_is_reused_while_it_lives()
    {
        // Two incidents (the second batch fires another rule, so it dispatches again) within the token's hour: one token.
        await _h.HandleAsync(_h.RulesText(), "req-1");
        await _h.HandleAsync(_h.RulesText().Replace("id: checkout-5xx-rollback", "id: checkout-5xx-rollback-2", StringComparison.Ordinal), "req-2");

        var dispatches = _h.GitHub.Dispatches;
        Assert.Equal(2, dispatches.Count);
        Assert.Equal(dispatches[0].Authorization, dispatches[1].Authorization);
        Assert.Single(TokenRequests);
    }

    [Fact]
    public async Task A_token_that_expires_within_the_renewal_margin_is_not_reused()
    {
        _h.GitHub.InstallationTokenLifetime = TimeSpan.FromMinutes(4);

        await _h.HandleAsync(_h.RulesText(), "req-1");
        await _h.HandleAsync(_h.RulesText().Replace("id: checkout-5xx-rollback", "id: checkout-5xx-rollback-2", StringComparison.Ordinal), "req-2");

        var dispatches = _h.GitHub.Dispatches;
        Assert.Equal(2, dispatches.Count);
        Assert.NotEqual(dispatches[0].Authorization, dispatches[1].Authorization);
        Assert.All(dispatches, d => Assert.Equal(200, d.Status));
    }

    [Fact]
    public async Task A_JWT_GitHub_does_not_take_fails_the_action_and_says_nothing_secret()
    {
        using var other = RSA.Create(2048);
        _h.GitHub.AcceptApp(AppId, InstallationId, other);

        await _h.HandleAsync(_h.RulesText(), "req-1");

        Assert.Empty(_h.GitHub.Dispatches);
        Assert.Contains("bad signature", Assert.Single(TokenRequests).SchemaErrors);
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("GitHub credentials: GitHub answered 401", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", _h.LogText, StringComparison.Ordinal);
    }
}
