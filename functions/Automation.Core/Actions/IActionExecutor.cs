namespace Automation.Core.Actions;

/// <summary>
/// Carries out one action type (restart_pod, github_workflow...): its own guardrails and budgets (through the
/// function's ActionLedger), the API call with retries within the deadline, and a result. It reports failures as
/// results; an exception is treated as a failure of the executor itself.
/// </summary>
public interface IActionExecutor
{
    Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken);
}
