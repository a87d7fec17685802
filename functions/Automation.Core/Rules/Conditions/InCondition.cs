using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`in:` the value is exactly one of the strings.</summary>
public sealed record InCondition(IReadOnlyList<string> Values, FieldPath? Field, bool IgnoreCase, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase, Location);
