using Automation.Core.Configuration;

namespace Automation.Core.Telemetry;

/// <summary>Where the functions' embedded metrics go: the CloudWatch namespace (METRICS_NAMESPACE, default LogAutomation).</summary>
public sealed record MetricsOptions(string Namespace)
{
    public const string NamespaceVariable = "METRICS_NAMESPACE";
    public const string DefaultNamespace = "LogAutomation";

    /// <summary>Reads METRICS_NAMESPACE; a namespace CloudWatch would refuse fails INIT instead of losing every metric silently.</summary>
    /// <exception cref="ConfigurationException">The namespace is not valid.</exception>
    public static MetricsOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var raw = environment(NamespaceVariable);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new MetricsOptions(DefaultNamespace);
        }
        var name = raw.Trim();
        // CloudWatch namespaces: 1-255 of letters, digits and . - _ / # : and space; AWS/ is reserved for AWS services.
        if (name.Length > 255 || !name.All(IsNamespaceCharacter) || name.StartsWith("AWS/", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException(
                $"{NamespaceVariable} must be 1 to 255 letters, digits, spaces or . - _ / # : and must not start with AWS/.");
        }
        return new MetricsOptions(name);
    }

    private static bool IsNamespaceCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '#' or ':' or ' ';
}
