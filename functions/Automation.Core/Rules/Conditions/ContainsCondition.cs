using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`contains:` the value contains any of the strings.</summary>
public sealed record ContainsCondition(IReadOnlyList<string> Values, FieldPath? Field, bool IgnoreCase, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase, Location);
