using Automation.Core.Configuration;

namespace Automation.LogForwarder;

/// <summary>
/// Where and how LogForwarderFunction reaches OpenSearch, from its environment (the template's parameters). What is
/// forwarded and into which indices is in the rules file's <c>forwarding:</c> section instead.
/// </summary>
/// <param name="Endpoint">OPENSEARCH_ENDPOINT: the domain or collection endpoint, https (http only on a loopback address, for tests); null in dry-run without one.</param>
/// <param name="Service">OPENSEARCH_SERVICE: es (managed domain) or aoss (Serverless collection); the SigV4 service name.</param>
/// <param name="Auth">OPENSEARCH_AUTH: sigv4 (the function's role) or basic (OPENSEARCH_SECRET_ARN's username and password).</param>
/// <param name="Region">AWS_REGION, for SigV4.</param>
internal sealed record ForwarderOptions(Uri? Endpoint, string Service, string Auth, string? Region)
{
    public const string EndpointVariable = "OPENSEARCH_ENDPOINT";
    public const string ServiceVariable = "OPENSEARCH_SERVICE";
    public const string AuthVariable = "OPENSEARCH_AUTH";

    public const string SigV4 = "sigv4";
    public const string Basic = "basic";

    /// <exception cref="ConfigurationException">A value is invalid, or one that the configuration needs is missing.</exception>
    public static ForwarderOptions FromEnvironment(Func<string, string?> environment, bool dryRun, bool hasSecret)
    {
        var service = Value(environment, ServiceVariable) ?? "es";
        if (service is not ("es" or "aoss"))
        {
            throw new ConfigurationException($"{ServiceVariable} must be es (a managed domain) or aoss (a Serverless collection), not '{Cut(service)}'.");
        }
        var auth = Value(environment, AuthVariable) ?? SigV4;
        if (auth is not (SigV4 or Basic))
        {
            throw new ConfigurationException($"{AuthVariable} must be sigv4 or basic, not '{Cut(auth)}'.");
        }
        if (auth == Basic && !hasSecret)
        {
            throw new ConfigurationException($"{AuthVariable}=basic needs {LogForwarderFunction.OpenSearchSecretVariable}: the secret with the username and password.");
        }
        var region = Value(environment, "AWS_REGION") ?? Value(environment, "AWS_DEFAULT_REGION");

        Uri? endpoint = null;
        if (Value(environment, EndpointVariable) is { } text)
        {
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out endpoint)
                || !(endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))
                || endpoint.Query.Length > 0 || endpoint.UserInfo.Length > 0)
            {
                throw new ConfigurationException($"{EndpointVariable} must be an https:// URL without query or credentials (http:// only on a loopback address), not '{Cut(text)}'.");
            }
        }
        else if (!dryRun)
        {
            throw new ConfigurationException($"{EndpointVariable} is not set: the OpenSearch domain or collection endpoint (https://...). Without it the function can only run in dry-run.");
        }
        if (endpoint is not null && auth == SigV4 && region is null)
        {
            throw new ConfigurationException("AWS_REGION is not set: SigV4 signing needs the region of the OpenSearch endpoint.");
        }
        return new ForwarderOptions(endpoint, service, auth, region);
    }

    private static string? Value(Func<string, string?> environment, string name) =>
        environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string Cut(string value) => value.Length > 60 ? value[..60] + "…" : value;
}
