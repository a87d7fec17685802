namespace Automation.Core.Rules.Conditions;

/// <summary>`not:` the condition does not hold.</summary>
public sealed record NotCondition(Condition Condition, SourceLocation Location) : Condition(Location);
