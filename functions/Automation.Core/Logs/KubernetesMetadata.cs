namespace Automation.Core.Logs;

/// <summary>
/// The pod a log record came from, as Fluent Bit's kubernetes filter names it (<c>kubernetes{pod_name, …}</c>);
/// OTLP resource attributes (<c>k8s.pod.name</c>, …) are mapped onto the same fields. Any field may be null when the
/// source did not carry it.
/// </summary>
/// <param name="PodId">The pod's uid (<c>pod_id</c>, <c>k8s.pod.uid</c>).</param>
/// <param name="ContainerId">The container runtime id (<c>docker_id</c>, <c>container.id</c>).</param>
/// <param name="Host">The node name (<c>host</c>, <c>k8s.node.name</c>).</param>
/// <param name="OwnerReferences">Empty when unknown; see docs/logs.md for where owners come from.</param>
public sealed record KubernetesMetadata(
    string? PodName,
    string? NamespaceName,
    string? PodId,
    string? ContainerName,
    string? ContainerImage,
    string? ContainerId,
    string? Host,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<OwnerReference> OwnerReferences)
{
    /// <summary>The controlling owner (<c>controller: true</c>), else the first owner, else null.</summary>
    public OwnerReference? Controller
    {
        get
        {
            foreach (var owner in OwnerReferences)
            {
                if (owner.Controller == true)
                {
                    return owner;
                }
            }
            return OwnerReferences.Count > 0 ? OwnerReferences[0] : null;
        }
    }
}
