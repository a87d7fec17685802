using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`equals:` the value is exactly this string (numbers and booleans compare by their JSON text).</summary>
public sealed record EqualsCondition(string Value, FieldPath? Field, bool IgnoreCase, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase, Location);
