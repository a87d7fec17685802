using k8s;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>A cluster's API client, once built.</summary>
/// <param name="Key">The cluster's key in the rules file.</param>
/// <param name="Host">The API server URL (https).</param>
internal sealed record ClusterConnection(string Key, string Host, IKubernetes Api);
