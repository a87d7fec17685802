namespace Automation.PodRestarter.Kubernetes;

/// <summary>A Kubernetes API call that did not succeed, classified: retrying later may help or not.</summary>
/// <param name="Status">The HTTP status, null for a connection error or timeout.</param>
/// <param name="Retryable">True when the records should come again (rate limit, outage, the deadline came first).</param>
internal sealed class KubernetesCallException(string call, int? status, bool retryable, string reason, Exception? inner = null)
    : Exception($"{call}: {reason}", inner)
{
    public string Call { get; } = call;

    public int? Status { get; } = status;

    public bool Retryable { get; } = retryable;

    public string Reason { get; } = reason;
}
