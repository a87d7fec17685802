namespace Automation.Core.Rules.Conditions;

/// <summary>A condition of a rule: a map with one operator and its modifiers in the rules file.</summary>
public abstract record Condition(SourceLocation Location);
