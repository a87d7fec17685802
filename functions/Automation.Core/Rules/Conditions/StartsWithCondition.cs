using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`starts_with:` the value starts with any of the strings.</summary>
public sealed record StartsWithCondition(IReadOnlyList<string> Values, FieldPath? Field, bool IgnoreCase, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase, Location);
