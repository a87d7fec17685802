using Amazon.Runtime;

namespace Automation.Core.Aws.Secrets;

/// <summary>
/// Where and how <see cref="SecretsManagerClient"/> reads secrets. <see cref="FromEnvironment"/> fills it the
/// standard way; tests set the fields directly.
/// </summary>
public sealed record SecretsManagerClientOptions
{
    /// <summary>The default time a secret is served from memory before it is read again.</summary>
    public static readonly TimeSpan DefaultCacheTtl = TimeSpan.FromMinutes(5);

    /// <summary>The region to sign for, e.g. eu-west-1.</summary>
    public required string Region { get; init; }

    /// <summary>The Secrets Manager endpoint; null means https://secretsmanager.REGION.amazonaws.com/.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The credentials to sign with; null means the SDK's default chain, resolved on first use.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>How long a read secret is served from memory.</summary>
    public TimeSpan CacheTtl { get; init; } = DefaultCacheTtl;

    /// <summary>
    /// The AWS Parameters and Secrets Lambda Extension's address (http://localhost:PORT); when set, secrets are read
    /// through it instead of the API.
    /// </summary>
    public Uri? ExtensionEndpoint { get; init; }

    /// <summary>The token the extension expects in X-Aws-Parameters-Secrets-Token (the function's AWS_SESSION_TOKEN).</summary>
    public string? ExtensionToken { get; init; }

    /// <summary>
    /// Options from the environment: region from AWS_REGION (else AWS_DEFAULT_REGION, else the SDK's fallback:
    /// profile, instance metadata); endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL (both
    /// ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true); the extension when
    /// PARAMETERS_SECRETS_EXTENSION_HTTP_PORT is set, with AWS_SESSION_TOKEN as its token.
    /// </summary>
    public static SecretsManagerClientOptions FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var region = NonEmpty(environment("AWS_REGION"))
            ?? NonEmpty(environment("AWS_DEFAULT_REGION"))
            ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName
            ?? throw new InvalidOperationException("No AWS region: set AWS_REGION");

        Uri? endpoint = null;
        if (!string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var configured = NonEmpty(environment("AWS_ENDPOINT_URL_SECRETS_MANAGER")) ?? NonEmpty(environment("AWS_ENDPOINT_URL"));
            endpoint = configured is null ? null : new Uri(configured, UriKind.Absolute);
        }

        Uri? extension = null;
        if (NonEmpty(environment("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT")) is { } port)
        {
            extension = new Uri($"http://localhost:{int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return new SecretsManagerClientOptions
        {
            Region = region,
            Endpoint = endpoint,
            ExtensionEndpoint = extension,
            ExtensionToken = extension is null ? null : NonEmpty(environment("AWS_SESSION_TOKEN")),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
