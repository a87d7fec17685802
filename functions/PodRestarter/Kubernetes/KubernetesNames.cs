using System.Text.RegularExpressions;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// Kubernetes object names as the API server validates them. Names in an action come from log records, which anyone
/// who can write a log line controls: they are checked before they reach a URL.
/// </summary>
internal static partial class KubernetesNames
{
    /// <summary>A namespace: DNS-1123 label, at most 63 characters.</summary>
    public static bool IsNamespace(string? value) => value is { Length: > 0 and <= 63 } && Label().IsMatch(value);

    /// <summary>A pod or workload: DNS-1123 subdomain, at most 253 characters.</summary>
    public static bool IsObjectName(string? value) => value is { Length: > 0 and <= 253 } && Subdomain().IsMatch(value);

    /// <summary>What to put in a reason: the value as a short printable text.</summary>
    public static string Shown(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }
        var cut = value.Length > 64 ? value[..64] + "…" : value;
        return "'" + new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();
}
