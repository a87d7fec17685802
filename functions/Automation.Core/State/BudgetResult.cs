namespace Automation.Core.State;

/// <summary>The answer to a request for one unit of a budget (at most N actions per scope per window).</summary>
/// <param name="Taken">True when a unit was taken: the action may run.</param>
/// <param name="InUse">Units in use within the window, this one included when taken.</param>
/// <param name="FreesAt">When exhausted, when the next unit frees up (the circuit closes again); null when taken.</param>
public sealed record BudgetResult(bool Taken, int InUse, DateTimeOffset? FreesAt);
