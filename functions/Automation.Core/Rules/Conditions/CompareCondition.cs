using Automation.Core.Logs;

namespace Automation.Core.Rules.Conditions;

/// <summary>`gt`/`gte`/`lt`/`lte`: the value reads as a number (JSON number or numeric string) and compares so.</summary>
public sealed record CompareCondition(ComparisonOperator Operator, double Value, FieldPath? Field, SourceLocation Location)
    : FieldCondition(Field, IgnoreCase: false, Location);
