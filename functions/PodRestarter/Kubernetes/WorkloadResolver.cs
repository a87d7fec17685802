using Automation.Core.Logs;
using k8s;
using k8s.Models;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// The workload a rollout_restart without <c>workload:</c> restarts: the owner of the pod that logged. The pod's
/// controlling owner comes from the record's Kubernetes metadata (Fluent Bit's ownerReferences, OTLP's k8s.*.name)
/// or, when the record names none, from the pod read through the API. A StatefulSet or DaemonSet is the workload; a
/// ReplicaSet is read to find its Deployment. Anything else (no controller, a bare ReplicaSet, a Job, a controller of
/// another API group) is refused with the reason: nothing is changed.
/// </summary>
internal static class WorkloadResolver
{
    /// <summary>The resolved workload, where the pod's owner came from ("record" or "api"), or why there is none.</summary>
    public sealed record Resolution(string? Kind, string? Name, string Via, string? Refusal);

    public static async Task<Resolution> ResolveAsync(
        IKubernetes api, KubernetesTarget pod, KubernetesMetadata? metadata, KubernetesCalls calls, CancellationToken cancellationToken)
    {
        // The record's metadata is what the log shipper read from the API server for this very pod.
        var owner = metadata?.PodName == pod.Name && metadata.Controller is { Controller: not false } fromRecord
            ? (fromRecord.Kind, fromRecord.Name, fromRecord.ApiVersion)
            : ((string Kind, string Name, string? ApiVersion)?)null;
        var via = "record";
        if (owner is null)
        {
            via = "api";
            var read = await calls.RunAsync($"get pod {pod.Namespace}/{pod.Name}",
                ct => api.CoreV1.ReadNamespacedPodAsync(pod.Name, pod.Namespace, cancellationToken: ct), retryConflict: false, cancellationToken).ConfigureAwait(false);
            if (read.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is not { } controller)
            {
                return Refuse(via, $"pod {pod} has no controller: there is no workload to rollout-restart");
            }
            owner = (controller.Kind, controller.Name, controller.ApiVersion);
        }

        var (kind, name, apiVersion) = owner.Value;
        if (kind is not ("StatefulSet" or "DaemonSet" or "Deployment" or "ReplicaSet"))
        {
            return Refuse(via, $"pod {pod} is owned by a {kind} ({KubernetesNames.Shown(name)}): only Deployments, StatefulSets and DaemonSets are rollout-restarted");
        }
        if (!IsApps(apiVersion))
        {
            return Refuse(via, $"pod {pod} is owned by {kind} {KubernetesNames.Shown(name)} of {apiVersion}, not a workload of apps/v1");
        }
        if (kind != "ReplicaSet")
        {
            return Found(kind, name, via);
        }
        if (!KubernetesNames.IsObjectName(name))
        {
            return Refuse(via, $"the pod's ReplicaSet name {KubernetesNames.Shown(name)} is not a valid Kubernetes name (DNS-1123)");
        }
        var replicaSet = await calls.RunAsync($"get replicaset {pod.Namespace}/{name}",
            ct => api.AppsV1.ReadNamespacedReplicaSetAsync(name, pod.Namespace, cancellationToken: ct), retryConflict: false, cancellationToken).ConfigureAwait(false);
        var deployment = replicaSet.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (deployment is null)
        {
            return Refuse(via, $"ReplicaSet {pod.Namespace}/{name} has no controller (a bare ReplicaSet): only Deployments, StatefulSets and DaemonSets are rollout-restarted");
        }
        if (deployment.Kind != "Deployment" || !IsApps(deployment.ApiVersion))
        {
            return Refuse(via, $"ReplicaSet {pod.Namespace}/{name} is owned by {deployment.Kind} {KubernetesNames.Shown(deployment.Name)} of {deployment.ApiVersion}, not an apps/v1 Deployment");
        }
        return Found("Deployment", deployment.Name, via);

        static Resolution Found(string kind, string name, string via) =>
            KubernetesNames.IsObjectName(name)
                ? new Resolution(kind, name, via, null)
                : Refuse(via, $"the owner's name {KubernetesNames.Shown(name)} is not a valid Kubernetes name (DNS-1123)");

        static Resolution Refuse(string via, string reason) => new(null, null, via, "refused: " + reason);
    }

    // OTLP owners carry no apiVersion; Kubernetes' own controllers are apps/v1 (another group's StatefulSet is not ours).
    private static bool IsApps(string? apiVersion) => apiVersion is null or "apps/v1";
}
