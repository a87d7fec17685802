using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`regex:` the value matches the .NET regular expression (run without backtracking, so no pattern can hang a batch).</summary>
public sealed record RegexCondition(string Pattern, FieldPath? Field, bool IgnoreCase, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase, Location);
