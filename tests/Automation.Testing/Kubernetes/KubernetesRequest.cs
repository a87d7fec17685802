namespace Automation.Testing.Kubernetes;

/// <summary>One request the fake Kubernetes API received, and how it answered.</summary>
/// <param name="Path">The URL path, e.g. /api/v1/namespaces/shop/pods/web-1.</param>
/// <param name="Query">The query string without '?', empty when none.</param>
/// <param name="Authorization">The Authorization header as sent, null when none.</param>
/// <param name="Body">The request body as text, empty when none.</param>
/// <param name="Status">The HTTP status it was answered with.</param>
/// <param name="At">When it arrived.</param>
public sealed record KubernetesRequest(
    string Method, string Path, string Query, string? ContentType, string? Authorization, string Body, int Status, DateTimeOffset At)
{
    /// <summary>True for calls that change something (DELETE, PATCH).</summary>
    public bool Mutates => Method is "DELETE" or "PATCH";
}
