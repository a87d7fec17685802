using Automation.Core.Actions;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>A GitHub call's value, or the action's result when it did not succeed (failed for good, or to retry).</summary>
internal sealed record GitHubCallResult<T>(T? Value, ActionResult? Problem, int Attempts)
{
    public bool Succeeded => Problem is null;
}
