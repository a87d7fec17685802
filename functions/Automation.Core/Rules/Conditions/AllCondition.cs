namespace Automation.Core.Rules.Conditions;

/// <summary>`all:` every condition holds.</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Conditions, SourceLocation Location) : Condition(Location);
