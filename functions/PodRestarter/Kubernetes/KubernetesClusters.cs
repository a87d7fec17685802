using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Rules.Settings;
using Automation.PodRestarter.Eks;
using k8s;
using k8s.KubeConfigModels;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// The clusters of the rules file's <c>kubernetes:</c> section, each reached with TLS verified against its own CA.
/// EKS clusters are checked at INIT (every <c>${VARIABLE}</c> set, the endpoint https, the CA readable; a cluster that
/// fails is listed in <see cref="Unavailable"/> and every action on it fails with the reason) and get a client with
/// an <see cref="EksTokenProvider"/>; kubeconfig clusters are built on first use from the function's
/// secret (read and cached at INIT), refusing what a Lambda function must not do (skip TLS verification, run a
/// credential plugin).
/// </summary>
internal sealed partial class KubernetesClusters : IDisposable
{
    private readonly Dictionary<string, Lazy<Task<ClusterConnection>>> _clusters = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _owned = [];

    /// <param name="credentials">The AWS credentials EKS tokens are signed with; default: see <see cref="ResolveCredentialsAsync"/>.</param>
    public KubernetesClusters(
        KubernetesSettings settings,
        Func<string, string?> environment,
        FunctionSecrets secrets,
        TimeProvider time,
        Func<CancellationToken, Task<ImmutableCredentials>>? credentials = null)
    {
        credentials ??= cancellationToken => ResolveCredentialsAsync(environment);
        foreach (var (key, cluster) in settings.Clusters)
        {
            try
            {
                _clusters[key] = cluster.Access == KubernetesClusterAccess.Eks
                    ? CreateEks(cluster, environment, time, credentials)
                    : new Lazy<Task<ClusterConnection>>(() => CreateFromKubeconfigAsync(cluster, secrets));
            }
            catch (ConfigurationException e)
            {
                // One cluster's missing value must not stop the function (its other clusters, the batch's other
                // records): every action on it fails with this reason, and INIT logs it as an error.
                Unavailable[key] = e.Message;
                _clusters[key] = new Lazy<Task<ClusterConnection>>(() => Task.FromException<ClusterConnection>(e));
            }
        }
    }

    /// <summary>Clusters that cannot be used as configured, with why (an unset variable, an invalid CA...).</summary>
    public Dictionary<string, string> Unavailable { get; } = new(StringComparer.Ordinal);

    public bool Has(string key) => _clusters.ContainsKey(key);

    public Task<ClusterConnection> GetAsync(string key) => _clusters[key].Value;

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private Lazy<Task<ClusterConnection>> CreateEks(
        KubernetesCluster cluster, Func<string, string?> environment, TimeProvider time, Func<CancellationToken, Task<ImmutableCredentials>> credentials)
    {
        var name = Resolve(cluster, "name", cluster.Name!, environment);
        var endpoint = Resolve(cluster, "endpoint", cluster.Endpoint!, environment);
        var ca = ReadCertificateAuthority(cluster.Key, Resolve(cluster, "certificate_authority", cluster.CertificateAuthority!, environment));
        var region = cluster.Region is { } r ? Resolve(cluster, "region", r, environment)
            : environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION")
              ?? throw new ConfigurationException($"kubernetes cluster {cluster.Key}: no region (set eks.region or AWS_REGION)");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ConfigurationException($"kubernetes cluster {cluster.Key}: endpoint must be an https:// URL (TLS is always verified)");
        }

        var config = new KubernetesClientConfiguration
        {
            Host = endpoint,
            SslCaCerts = ca,
            SkipTlsVerify = false,
            TokenProvider = new EksTokenProvider(name, region, credentials, time),
        };
        var client = new k8s.Kubernetes(config);
        _owned.Add(client);
        var connection = new ClusterConnection(cluster.Key, endpoint, client);
        return new Lazy<Task<ClusterConnection>>(Task.FromResult(connection));
    }

    private async Task<ClusterConnection> CreateFromKubeconfigAsync(KubernetesCluster cluster, FunctionSecrets secrets)
    {
        if (!secrets.Has(PodRestartFunction.KubeconfigSecretVariable))
        {
            throw new ConfigurationException($"kubernetes cluster {cluster.Key} reads a kubeconfig, but {PodRestartFunction.KubeconfigSecretVariable} is not set");
        }
        var text = await secrets.GetAsync(PodRestartFunction.KubeconfigSecretVariable, CancellationToken.None).ConfigureAwait(false);
        var config = await FromKubeconfigAsync(cluster, text).ConfigureAwait(false);
        var client = new k8s.Kubernetes(config);
        _owned.Add(client);
        return new ClusterConnection(cluster.Key, config.Host, client);
    }

    /// <summary>The client configuration of <paramref name="cluster"/>'s context in a kubeconfig, with what is unsafe refused.</summary>
    internal static async Task<KubernetesClientConfiguration> FromKubeconfigAsync(KubernetesCluster cluster, string kubeconfig)
    {
        K8SConfiguration parsed;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
            parsed = await KubernetesClientConfiguration.LoadKubeConfigAsync(stream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigurationException($"kubernetes cluster {cluster.Key}: the kubeconfig secret is not a readable kubeconfig ({e.GetType().Name})");
        }
        var contextName = cluster.Context ?? parsed.CurrentContext;
        var context = parsed.Contexts?.FirstOrDefault(c => c.Name == contextName)
            ?? throw new ConfigurationException($"kubernetes cluster {cluster.Key}: the kubeconfig has no context '{contextName}'");
        var user = parsed.Users?.FirstOrDefault(u => u.Name == context.ContextDetails?.User)?.UserCredentials;
        if (user is { ExternalExecution: not null } or { AuthProvider: not null })
        {
            // Credential plugins run programs: a Lambda function has none, and must not run what a secret names.
            throw new ConfigurationException($"kubernetes cluster {cluster.Key}: the kubeconfig user uses exec or auth-provider; give it a token or a client certificate");
        }
        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(parsed, contextName);
        if (config.SkipTlsVerify)
        {
            throw new ConfigurationException($"kubernetes cluster {cluster.Key}: the kubeconfig sets insecure-skip-tls-verify; TLS is always verified");
        }
        if (!Uri.TryCreate(config.Host, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || config.SslCaCerts is not { Count: > 0 })
        {
            throw new ConfigurationException($"kubernetes cluster {cluster.Key}: the kubeconfig's server must be https:// with certificate-authority-data");
        }
        return config;
    }

    /// <summary>The CA as EKS hands it out (base64 of the PEM), or a PEM, or base64 of the DER.</summary>
    internal static X509Certificate2Collection ReadCertificateAuthority(string cluster, string value)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            var text = value.Trim();
            if (!text.StartsWith("-----BEGIN", StringComparison.Ordinal))
            {
                var bytes = Convert.FromBase64String(text);
                var decoded = Encoding.ASCII.GetString(bytes);
                if (!decoded.StartsWith("-----BEGIN", StringComparison.Ordinal))
                {
                    collection.Add(X509CertificateLoader.LoadCertificate(bytes));
                    return collection;
                }
                text = decoded;
            }
            collection.ImportFromPem(text);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new ConfigurationException($"kubernetes cluster {cluster}: certificate_authority is not a certificate (base64 of the PEM, or the PEM)");
        }
        if (collection.Count == 0)
        {
            throw new ConfigurationException($"kubernetes cluster {cluster}: certificate_authority holds no certificate");
        }
        return collection;
    }

    /// <summary>A value, or the variable it names as <c>${NAME}</c>; an unset variable fails INIT.</summary>
    private static string Resolve(KubernetesCluster cluster, string key, string value, Func<string, string?> environment)
    {
        var match = VariablePattern().Match(value);
        if (!match.Success)
        {
            return value;
        }
        var name = match.Groups[1].Value;
        return environment(name) is { } set && !string.IsNullOrWhiteSpace(set)
            ? set.Trim()
            : throw new ConfigurationException($"kubernetes cluster {cluster.Key}: {key} is ${{{name}}}, but {name} is not set");
    }

    /// <summary>
    /// The function's credentials: the standard variables of the given environment (Lambda sets them; the CLI's env
    /// file may), else the SDK's default chain.
    /// </summary>
    private static async Task<ImmutableCredentials> ResolveCredentialsAsync(Func<string, string?> environment)
    {
        if (environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } key && environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            return new ImmutableCredentials(key, secret, environment("AWS_SESSION_TOKEN") is { Length: > 0 } token ? token : null);
        }
        var chain = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        return await chain.GetCredentialsAsync().ConfigureAwait(false);
    }

    [GeneratedRegex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$", RegexOptions.CultureInvariant)]
    private static partial Regex VariablePattern();
}
