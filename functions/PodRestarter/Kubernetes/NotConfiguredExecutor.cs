using Automation.Core.Actions;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// restart_pod and rollout_restart when the rules file has no kubernetes: section: nothing may act without clusters
/// and an allow-list, so each fired action fails with that reason (audited, and notified where the rule asks), and
/// the rest of the action stage — notifications — still runs.
/// </summary>
internal sealed class NotConfiguredExecutor(string reason) : IActionExecutor
{
    public Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ActionResult.Failed(reason));
}
