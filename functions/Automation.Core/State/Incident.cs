using Automation.Core.Kafka;

namespace Automation.Core.State;

/// <summary>
/// A rule that fired for a group and has not yet been quiet for its resolve_after: kept in the state store per
/// deciding function, so a later batch or a scheduled sweep can tell when it went quiet.
/// </summary>
/// <param name="Key">The rule and group, unique within the function.</param>
/// <param name="OpenedAt">When the rule fired for the group (an open incident firing again keeps it).</param>
/// <param name="OpenedBy">The request that fired it.</param>
/// <param name="LastMatch">When a batch last held a match of the group (the clock, when it was processed).</param>
/// <param name="LastTrigger">That batch's last matching record.</param>
/// <param name="DryRun">The firing was a dry-run plan.</param>
public sealed record Incident(
    string Key,
    string RuleId,
    string Group,
    DateTimeOffset OpenedAt,
    string OpenedBy,
    DateTimeOffset LastMatch,
    KafkaCoordinates LastTrigger,
    bool DryRun);
