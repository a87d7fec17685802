using Automation.Core.Actions;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>Stands in for the Kubernetes executors when the rules file gives them nothing to act on: every action fails with the reason.</summary>
internal sealed class RefusingExecutor(string reason) : IActionExecutor
{
    public Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ActionResult.Failed("refused: " + reason));
}
