namespace Automation.Core.Rules.Conditions;

/// <summary>`any:` at least one condition holds.</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Conditions, SourceLocation Location) : Condition(Location);
