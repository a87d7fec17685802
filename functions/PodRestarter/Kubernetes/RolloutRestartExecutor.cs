using System.Globalization;
using System.Text.Json;
using Automation.Core.Actions;
using Automation.Core.Configuration;
using k8s;
using k8s.Models;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// rollout_restart: what <c>kubectl rollout restart</c> does, as a JSON merge patch of
/// <c>spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]</c> on the Deployment, StatefulSet or
/// DaemonSet (a merge patch changes that one key; every other annotation stays). It first reads the workload and does
/// not restart one whose rollout is still in progress: restarting a rollout that has not finished only stacks
/// ReplicaSets. API calls per restart: get, patch = 2. Without <c>workload:</c> the owner of the pod that logged is
/// resolved first (<see cref="WorkloadResolver"/>): +1 (get the ReplicaSet) for a Deployment, +1 more (get the pod)
/// when the record names no owner.
/// </summary>
internal sealed class RolloutRestartExecutor : IActionExecutor
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    private readonly KubernetesGuard _guard;
    private readonly KubernetesRetryOptions _retry;
    private readonly TimeProvider _time;

    public RolloutRestartExecutor(KubernetesGuard guard, KubernetesRetryOptions retry, TimeProvider time)
    {
        _guard = guard;
        _retry = retry;
        _time = time;
    }

    public async Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Decision.Action!.Parameters;
        var workload = parameters.GetValueOrDefault("workload");
        var kind = parameters.GetValueOrDefault("kind");
        // Without workload: the pod that logged (from the record's metadata, never from its text) is checked like
        // restart_pod's, and its owner is resolved after the budgets are taken.
        var metadata = request.Trigger.Kubernetes;
        var (target, refusal) = workload is null
            ? _guard.Check(request, "pod", parameters.GetValueOrDefault("namespace"), metadata?.PodName)
            : _guard.Check(request, kind ?? "Deployment", parameters.GetValueOrDefault("namespace"), workload);
        if (target is null)
        {
            return refusal!;
        }
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cluster"] = target.Cluster,
            ["namespace"] = target.Namespace,
        };
        if (workload is null)
        {
            facts["pod"] = target.Name;
            if (metadata?.NamespaceName != target.Namespace)
            {
                return ActionResult.Failed(
                    $"refused: the pod that logged is in namespace {KubernetesNames.Shown(metadata?.NamespaceName)}, not the rule's '{target.Namespace}': its owner is not looked for elsewhere", facts);
            }
        }
        else
        {
            facts["workload"] = $"{kind ?? "Deployment"}/{target.Name}";
        }
        if (_guard.DryRunReason(request.Decision.RuleId) is { } dryRun)
        {
            facts["dryRun"] = "true";
            var what = workload is null ? $"the workload that owns pod {target}" : $"{kind ?? "Deployment"} {target}";
            return ActionResult.Suppressed($"dry-run ({dryRun}): would rollout-restart {what}", facts);
        }

        // Budgets before any call: an open circuit costs the API server nothing.
        if (await _guard.TakeBudgetsAsync(target, request.Context.AwsRequestId, facts, cancellationToken).ConfigureAwait(false) is { } circuitOpen)
        {
            return circuitOpen;
        }

        var calls = new KubernetesCalls(_retry, _time, request.Context.Deadline);
        return await calls.ActAsync(target.Cluster, facts, ResolveAndRestartAsync).ConfigureAwait(false);

        async Task<ActionResult> ResolveAndRestartAsync()
        {
            if (workload is null)
            {
                var api = (await _guard.Clusters.GetAsync(target.Cluster).ConfigureAwait(false)).Api;
                var resolved = await WorkloadResolver.ResolveAsync(api, target, metadata, calls, cancellationToken).ConfigureAwait(false);
                facts["ownerFrom"] = resolved.Via;
                if (resolved.Refusal is { } reason)
                {
                    facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
                    return ActionResult.Failed(reason, facts);
                }
                facts["workload"] = $"{resolved.Kind}/{resolved.Name}";
                if (kind is not null && kind != resolved.Kind)
                {
                    facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
                    return ActionResult.Failed($"refused: pod {target} belongs to {resolved.Kind} {resolved.Name}, but the rule's kind is {kind}", facts);
                }
                kind = resolved.Kind;
                target = target with { Name = resolved.Name! };
            }
            var result = await RestartAsync(request, kind ?? "Deployment", target, calls, facts, cancellationToken).ConfigureAwait(false);
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return result;
        }
    }

    private async Task<ActionResult> RestartAsync(
        ActionRequest request, string kind, KubernetesTarget target, KubernetesCalls calls, Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        var api = (await _guard.Clusters.GetAsync(target.Cluster).ConfigureAwait(false)).Api;
        var what = $"{kind.ToLowerInvariant()} {target.Namespace}/{target.Name}";
        var inProgress = kind switch
        {
            "StatefulSet" => InProgress(await calls.RunAsync("get " + what,
                ct => api.AppsV1.ReadNamespacedStatefulSetAsync(target.Name, target.Namespace, cancellationToken: ct), false, cancellationToken).ConfigureAwait(false)),
            "DaemonSet" => InProgress(await calls.RunAsync("get " + what,
                ct => api.AppsV1.ReadNamespacedDaemonSetAsync(target.Name, target.Namespace, cancellationToken: ct), false, cancellationToken).ConfigureAwait(false)),
            _ => InProgress(await calls.RunAsync("get " + what,
                ct => api.AppsV1.ReadNamespacedDeploymentAsync(target.Name, target.Namespace, cancellationToken: ct), false, cancellationToken).ConfigureAwait(false)),
        };
        if (inProgress is { } progress)
        {
            return ActionResult.Suppressed($"{kind} {target} is still rolling out ({progress}): not restarted again", facts);
        }

        var restartedAt = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var patch = new V1Patch(RestartPatch(restartedAt), V1Patch.PatchType.MergePatch);
        _ = kind switch
        {
            "StatefulSet" => (object)await calls.RunAsync("patch " + what,
                ct => api.AppsV1.PatchNamespacedStatefulSetAsync(patch, target.Name, target.Namespace, cancellationToken: ct), true, cancellationToken).ConfigureAwait(false),
            "DaemonSet" => await calls.RunAsync("patch " + what,
                ct => api.AppsV1.PatchNamespacedDaemonSetAsync(patch, target.Name, target.Namespace, cancellationToken: ct), true, cancellationToken).ConfigureAwait(false),
            _ => await calls.RunAsync("patch " + what,
                ct => api.AppsV1.PatchNamespacedDeploymentAsync(patch, target.Name, target.Namespace, cancellationToken: ct), true, cancellationToken).ConfigureAwait(false),
        };
        facts["restartedAt"] = restartedAt;
        return ActionResult.Succeeded($"rollout-restarted {kind} {target} ({RestartedAtAnnotation}={restartedAt})", facts);
    }

    /// <summary>The merge patch body, written with Utf8JsonWriter (the .Aot client sends a string patch as it is).</summary>
    internal static string RestartPatch(string restartedAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("spec");
            json.WriteStartObject("template");
            json.WriteStartObject("metadata");
            json.WriteStartObject("annotations");
            json.WriteString(RestartedAtAnnotation, restartedAt);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? InProgress(V1Deployment deployment)
    {
        var wanted = deployment.Spec?.Replicas ?? 1;
        var status = deployment.Status;
        if (status?.ObservedGeneration < deployment.Metadata?.Generation)
        {
            return "the controller has not seen its last change yet";
        }
        return (status?.UpdatedReplicas ?? 0) < wanted ? $"{status?.UpdatedReplicas ?? 0} of {wanted} pods updated" : null;
    }

    private static string? InProgress(V1StatefulSet statefulSet)
    {
        var status = statefulSet.Status;
        if (status?.ObservedGeneration < statefulSet.Metadata?.Generation)
        {
            return "the controller has not seen its last change yet";
        }
        return status is { UpdateRevision: { Length: > 0 } update, CurrentRevision: { Length: > 0 } current } && update != current
            ? $"{status.UpdatedReplicas ?? 0} of {statefulSet.Spec?.Replicas ?? 1} pods on the new revision"
            : null;
    }

    private static string? InProgress(V1DaemonSet daemonSet)
    {
        var status = daemonSet.Status;
        if (status?.ObservedGeneration < daemonSet.Metadata?.Generation)
        {
            return "the controller has not seen its last change yet";
        }
        return status is not null && (status.UpdatedNumberScheduled ?? 0) < status.DesiredNumberScheduled
            ? $"{status.UpdatedNumberScheduled ?? 0} of {status.DesiredNumberScheduled} pods updated"
            : null;
    }
}
