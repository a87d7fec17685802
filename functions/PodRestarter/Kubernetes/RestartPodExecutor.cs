using System.Globalization;
using Automation.Core.Actions;
using Automation.Core.Configuration;
using k8s;
using k8s.Models;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// restart_pod: deletes the pod that logged, so its controller recreates it. Before the delete it reads the pod (it
/// must still be the pod that logged, and have a controller: a pod without one would not come back), the controller
/// (ReplicaSet, StatefulSet or DaemonSet) and the controller's pods, and deletes only while at least
/// <c>min_ready_replicas</c> other pods of it are ready. The delete carries the pod's uid as a precondition, so a pod
/// replaced in between is never deleted. The budgets are taken before the first call (a refusal after it still uses
/// its unit: the guard errs towards fewer restarts). API calls per restart: get pod, get owner, list pods, delete = 4.
/// </summary>
internal sealed class RestartPodExecutor : IActionExecutor
{
    private readonly KubernetesGuard _guard;
    private readonly KubernetesRetryOptions _retry;
    private readonly TimeProvider _time;

    public RestartPodExecutor(KubernetesGuard guard, KubernetesRetryOptions retry, TimeProvider time)
    {
        _guard = guard;
        _retry = retry;
        _time = time;
    }

    public async Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Decision.Action!.Parameters;
        var metadata = request.Trigger.Kubernetes;
        var (target, refusal) = _guard.Check(request, "pod", parameters.GetValueOrDefault("namespace"), parameters.GetValueOrDefault("pod") ?? metadata?.PodName);
        if (target is null)
        {
            return refusal!;
        }
        long? grace = parameters.TryGetValue("grace_period_seconds", out var g) && long.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cluster"] = target.Cluster,
            ["namespace"] = target.Namespace,
            ["pod"] = target.Name,
        };
        if (_guard.DryRunReason(request.Decision.RuleId) is { } dryRun)
        {
            facts["dryRun"] = "true";
            return ActionResult.Suppressed($"dry-run ({dryRun}): would delete pod {target}", facts);
        }

        // Budgets before any call: an open circuit costs the API server nothing, however many records keep coming.
        if (await _guard.TakeBudgetsAsync(target, request.Context.AwsRequestId, facts, cancellationToken).ConfigureAwait(false) is { } circuitOpen)
        {
            return circuitOpen;
        }

        var calls = new KubernetesCalls(_retry, _time, request.Context.Deadline);
        return await calls.ActAsync(target.Cluster, facts, () => RestartAsync(request, target, grace, calls, facts, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<ActionResult> RestartAsync(
        ActionRequest request, KubernetesTarget target, long? grace, KubernetesCalls calls, Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        var api = (await _guard.Clusters.GetAsync(target.Cluster).ConfigureAwait(false)).Api;
        var pod = await calls.RunAsync($"get pod {target.Namespace}/{target.Name}",
            ct => api.CoreV1.ReadNamespacedPodAsync(target.Name, target.Namespace, cancellationToken: ct), retryConflict: false, cancellationToken).ConfigureAwait(false);
        facts["podUid"] = pod.Metadata?.Uid ?? "";

        if (request.Trigger.Kubernetes?.PodId is { Length: > 0 } loggedUid && pod.Metadata?.Uid is { } uid && uid != loggedUid
            && request.Trigger.Kubernetes.PodName == target.Name)
        {
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Suppressed($"pod {target} was already replaced (uid {uid}, the record's was {loggedUid}): nothing to restart", facts);
        }
        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Suppressed($"pod {target} is already being deleted", facts);
        }

        var owner = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (owner is null)
        {
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Failed($"refused: pod {target} has no controller, so deleting it would not bring it back", facts);
        }
        facts["owner"] = $"{owner.Kind}/{owner.Name}";

        var selector = await OwnerSelectorAsync(api, target, owner, calls, facts, cancellationToken).ConfigureAwait(false);
        if (selector is null)
        {
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Failed($"refused: pod {target} is owned by a {owner.Kind}; only pods of ReplicaSets, StatefulSets and DaemonSets are restarted", facts);
        }

        var pods = await calls.RunAsync($"list pods {target.Namespace} {selector}",
            ct => api.CoreV1.ListNamespacedPodAsync(target.Namespace, labelSelector: selector.Length == 0 ? null : selector, cancellationToken: ct), retryConflict: false, cancellationToken).ConfigureAwait(false);
        var readyOthers = pods.Items.Count(p =>
            p.Metadata?.Name != target.Name
            && p.Metadata?.DeletionTimestamp is null
            && p.Metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == owner.Uid) == true
            && IsReady(p));
        facts["readyOthers"] = readyOthers.ToString(CultureInfo.InvariantCulture);
        var minimum = _guard.Settings.MinReadyReplicas;
        if (readyOthers < minimum)
        {
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Suppressed(
                $"blast radius: {owner.Kind} {owner.Name} has {readyOthers} other ready pod(s), fewer than min_ready_replicas {minimum}; pod {target} is not deleted", facts);
        }

        var options = new V1DeleteOptions { GracePeriodSeconds = grace, Preconditions = new V1Preconditions { Uid = pod.Metadata!.Uid } };
        try
        {
            await calls.RunAsync($"delete pod {target.Namespace}/{target.Name}",
                ct => api.CoreV1.DeleteNamespacedPodAsync(target.Name, target.Namespace, options, gracePeriodSeconds: (int?)grace, cancellationToken: ct),
                retryConflict: false, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesCallException e) when (e.Status == 409)
        {
            // The uid precondition failed: the pod that logged is gone and another took its name.
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Suppressed($"pod {target} was replaced before the delete (uid precondition): nothing to restart", facts);
        }
        catch (KubernetesCallException e) when (e.Status == 404)
        {
            facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
            return ActionResult.Suppressed($"pod {target} was gone before the delete: nothing to restart", facts);
        }
        facts["apiCalls"] = calls.Attempts.ToString(CultureInfo.InvariantCulture);
        var graceText = grace is { } s ? $"{s} s grace" : "the pod's own grace period";
        return ActionResult.Succeeded($"deleted pod {target} ({graceText}); {facts["owner"]} keeps {readyOthers} other ready pod(s) and recreates it", facts);
    }

    /// <summary>
    /// The equality label selector of the pod's controller (read from the API), which narrows the list of its pods;
    /// null for a kind this action does not restart.
    /// </summary>
    private static async Task<string?> OwnerSelectorAsync(
        IKubernetes api, KubernetesTarget target, V1OwnerReference owner, KubernetesCalls calls, Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        V1LabelSelector? selector;
        switch (owner.Kind)
        {
            case "ReplicaSet":
                var replicaSet = await calls.RunAsync($"get replicaset {target.Namespace}/{owner.Name}",
                    ct => api.AppsV1.ReadNamespacedReplicaSetAsync(owner.Name, target.Namespace, cancellationToken: ct), false, cancellationToken).ConfigureAwait(false);
                if (replicaSet.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } deployment)
                {
                    facts["workload"] = $"{deployment.Kind}/{deployment.Name}";
                }
                selector = replicaSet.Spec?.Selector;
                break;
            case "StatefulSet":
                selector = (await calls.RunAsync($"get statefulset {target.Namespace}/{owner.Name}",
                    ct => api.AppsV1.ReadNamespacedStatefulSetAsync(owner.Name, target.Namespace, cancellationToken: ct), false, cancellationToken).ConfigureAwait(false)).Spec?.Selector;
                facts["workload"] = $"StatefulSet/{owner.Name}";
                break;
            case "DaemonSet":
                selector = (await calls.RunAsync($"get daemonset {target.Namespace}/{owner.Name}",
                    ct => api.AppsV1.ReadNamespacedDaemonSetAsync(owner.Name, target.Namespace, cancellationToken: ct), false, cancellationToken).ConfigureAwait(false)).Spec?.Selector;
                facts["workload"] = $"DaemonSet/{owner.Name}";
                break;
            default:
                return null;
        }
        if (selector?.MatchLabels is not { Count: > 0 } labels)
        {
            // Only matchExpressions: list the namespace; the pods are counted by their controller's uid anyway.
            return "";
        }
        return string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
