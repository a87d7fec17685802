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
    SourceLocation Location);
