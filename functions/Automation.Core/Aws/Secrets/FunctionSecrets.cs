namespace Automation.Core.Aws.Secrets;

/// <summary>
/// A function's secrets, by the environment variable that names each one (e.g. GITHUB_SECRET_ARN). Every secret is
/// read once at INIT by <see cref="LoadAsync"/>, so a missing or unreadable one fails INIT, not the first action;
/// afterwards <see cref="GetAsync"/> reads through the client's cache, which re-reads a value once its TTL is over
/// (a rotated secret is picked up without a restart).
/// </summary>
public sealed class FunctionSecrets
{
    private readonly SecretsManagerClient? _client;
    private readonly Dictionary<string, string> _secretIds;

    private FunctionSecrets(SecretsManagerClient? client, Dictionary<string, string> secretIds, IReadOnlyList<string> variables)
    {
        _client = client;
        _secretIds = secretIds;
        Variables = variables;
    }

    /// <summary>A function without secrets.</summary>
    public static FunctionSecrets None { get; } = new(null, new Dictionary<string, string>(StringComparer.Ordinal), []);

    /// <summary>The variables that named a secret and were loaded, in the order the function declares them.</summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>True when <paramref name="variableName"/> was set and its secret loaded (optional secrets are checked with this).</summary>
    public bool Has(string variableName) => _secretIds.ContainsKey(variableName);

    /// <summary>
    /// The SecretString of the secret <paramref name="variableName"/> names. Throws <see cref="InvalidOperationException"/>
    /// when that variable was not set (see <see cref="Has"/>), <see cref="SecretUnavailableException"/> naming the
    /// variable when a re-read after the cache TTL fails.
    /// </summary>
    public async Task<string> GetAsync(string variableName, CancellationToken cancellationToken)
    {
        if (_client is null || !_secretIds.TryGetValue(variableName, out var secretId))
        {
            throw new InvalidOperationException($"{variableName} is not set, so this function has no such secret.");
        }
        try
        {
            return await _client.GetSecretStringAsync(secretId, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretUnavailableException e)
        {
            throw e.ForVariable(variableName);
        }
    }

    /// <summary>
    /// Reads the secret of every variable in <paramref name="variableNames"/> that is set and not blank, once, which
    /// fills the client's cache. The client is created only when at least one is set, so a function without secrets
    /// needs no AWS configuration.
    /// </summary>
    /// <exception cref="SecretUnavailableException">A secret is missing or unreadable; the message names the variable,
    /// the secret id and the reason, never a value.</exception>
    public static async Task<FunctionSecrets> LoadAsync(
        IReadOnlyList<string> variableNames,
        Func<string, string?> environment,
        Func<SecretsManagerClient> createClient,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variableNames);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(createClient);

        var secretIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var variables = new List<string>();
        foreach (var name in variableNames)
        {
            if (environment(name) is { } value && !string.IsNullOrWhiteSpace(value) && secretIds.TryAdd(name, value.Trim()))
            {
                variables.Add(name);
            }
        }
        if (variables.Count == 0)
        {
            return None;
        }

        SecretsManagerClient client;
        try
        {
            client = createClient();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or UriFormatException or OverflowException)
        {
            // E.g. no region, or an endpoint variable that is not a URL: no secret can be read, so say which one was wanted.
            throw new SecretUnavailableException(secretIds[variables[0]], "Secrets Manager is not configured: " + e.Message, e)
                .ForVariable(variables[0]);
        }

        var secrets = new FunctionSecrets(client, secretIds, variables);
        foreach (var name in variables)
        {
            // The value is dropped here: this read only proves the secret is there and primes the cache.
            _ = await secrets.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        return secrets;
    }
}
