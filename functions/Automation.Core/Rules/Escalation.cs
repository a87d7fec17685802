namespace Automation.Core.Rules;

/// <summary>
/// A rule's <c>escalate_after:</c>: its actions run only once another rule's action already ran for the same target and
/// did not help — it ran (succeeded) within <see cref="Within"/>, and this rule has matched at least
/// <see cref="StillMatching"/> times since (records logged after that action's outcome). The functions share what ran
/// through the action ledger, so the earlier step may have been taken by another function (docs/rules.md "Escalation").
/// </summary>
/// <param name="RuleId">The rule whose action is the earlier step; it has a cooldown, so the ledger keeps its last run per target.</param>
/// <param name="ActionIndex">The earlier step's position among that rule's actions.</param>
/// <param name="ActionType">Its type, for audit lines.</param>
public sealed record Escalation(string RuleId, int ActionIndex, string ActionType, TimeSpan Within, int StillMatching, SourceLocation Location);
