using Octokit;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// Octokit 14's CreateWorkflowDispatch with the <c>return_run_details</c> field GitHub added after it: Octokit's
/// serializer writes the runtime type's public properties in snake_case, so this one property is all it takes.
/// </summary>
internal sealed class DispatchRequest : CreateWorkflowDispatch
{
    public DispatchRequest(string reference, IDictionary<string, object> inputs)
        : base(reference)
    {
        Inputs = inputs;
    }

    /// <summary>Asks GitHub to answer 200 with the run's id and URLs instead of 204.</summary>
    public bool ReturnRunDetails => true;
}
