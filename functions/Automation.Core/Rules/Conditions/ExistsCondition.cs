using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`exists: true|false` the field is present (and not null), or absent.</summary>
public sealed record ExistsCondition(bool Exists, FieldPath? Field, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase: false, Location);
