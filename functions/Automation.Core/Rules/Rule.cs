using Automation.Core.Rules.Conditions;

namespace Automation.Core.Rules;

/// <summary>One rule: a condition over a log record, an optional threshold, a cooldown, and what to do.</summary>
/// <param name="Id">Unique in the file, [a-z0-9._-].</param>
/// <param name="Match">The one condition a record must meet.</param>
/// <param name="Threshold">Fire only after this many matches within a window, per group; null fires on every match.</param>
/// <param name="Cooldown">After an action fired for a target, the rule does not fire it again for that target for this long.</param>
/// <param name="Actions">May be empty: the rule then only counts and annotates forwarded logs.</param>
public sealed record Rule(
    string Id,
    string? Description,
    Condition Match,
    Threshold? Threshold,
    TimeSpan? Cooldown,
    IReadOnlyList<RuleAction> Actions,
    SourceLocation Location)
{
    /// <summary>The earlier step of a ladder this rule escalates from; null when its actions need none.</summary>
    public Escalation? EscalateAfter { get; init; }

    /// <summary>
    /// After the rule fired for a group, a quiet period: no match of the group for this long records one
    /// <c>resolved</c> decision (and notifies). Null: the rule never resolves.
    /// </summary>
    public TimeSpan? ResolveAfter { get; init; }
}
