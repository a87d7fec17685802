namespace Automation.Core.Rules;

/// <summary>A validated rules file (format version 1): what every function evaluates.</summary>
/// <param name="Source">The file it was read from, as named in errors and audit lines.</param>
public sealed record RuleSet(string Source, IReadOnlyList<Rule> Rules);
