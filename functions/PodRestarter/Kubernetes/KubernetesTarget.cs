namespace Automation.PodRestarter.Kubernetes;

/// <summary>What an action acts on, validated: the cluster (by key), the namespace and the object's name.</summary>
internal sealed record KubernetesTarget(string Cluster, string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name} on cluster {Cluster}";
}
