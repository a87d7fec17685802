using Automation.Core.Aws.Secrets;
using Octokit;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// Octokit's credentials for every call: the token from the secret, or a GitHub App's installation token, created
/// through Octokit with an RS256 JWT and kept until shortly before it expires (installation tokens live an hour).
/// The secret is read through <see cref="FunctionSecrets"/>' cache, so a rotated secret is picked up.
/// </summary>
internal sealed class GitHubAuth : ICredentialStore
{
    /// <summary>An installation token is renewed this long before it expires, so no call starts with a token about to lapse.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly Func<CancellationToken, Task<string>> _readSecret;
    private readonly Func<Credentials, GitHubClient> _createClient;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _secretText;
    private GitHubSecret? _secret;
    private (Credentials Credentials, DateTimeOffset ExpiresAt)? _installation;

    /// <param name="readSecret">Reads the secret's value (cached by the secrets client).</param>
    /// <param name="createClient">A client with the given credentials on the configured API address (for the App's own calls).</param>
    public GitHubAuth(Func<CancellationToken, Task<string>> readSecret, Func<Credentials, GitHubClient> createClient, TimeProvider time)
    {
        _readSecret = readSecret;
        _createClient = createClient;
        _time = time;
    }

    /// <summary>How many installation tokens were created (tests check the cache).</summary>
    public int InstallationTokensCreated { get; private set; }

    /// <summary>What Octokit asks for before each request.</summary>
    public Task<Credentials> GetCredentials() => GetCredentialsAsync(CancellationToken.None);

    /// <exception cref="FormatException">The secret is not a token or an App's JSON.</exception>
    /// <exception cref="ApiException">GitHub refused the App's installation token request.</exception>
    public async Task<Credentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var text = await _readSecret(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(text, _secretText, StringComparison.Ordinal))
            {
                _secret = GitHubSecret.Parse(text);
                _secretText = text;
                _installation = null;
            }
            var secret = _secret!;
            if (!secret.IsApp)
            {
                return new Credentials(secret.Token, AuthenticationType.Bearer);
            }

            var now = _time.GetUtcNow();
            if (_installation is { } cached && cached.ExpiresAt - RenewBefore > now)
            {
                return cached.Credentials;
            }
            var jwt = AppJwt.Create(secret.AppId, secret.PrivateKeyPem!, now);
            var appClient = _createClient(new Credentials(jwt, AuthenticationType.Bearer));
            var token = await appClient.GitHubApps.CreateInstallationToken(secret.InstallationId).WaitAsync(cancellationToken).ConfigureAwait(false);
            InstallationTokensCreated++;
            var credentials = new Credentials(token.Token, AuthenticationType.Bearer);
            _installation = (credentials, token.ExpiresAt);
            return credentials;
        }
        finally
        {
            _gate.Release();
        }
    }
}
