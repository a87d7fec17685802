namespace Automation.Core.Rules.Conditions;

/// <summary>The numeric comparisons: `gt`, `gte`, `lt`, `lte`.</summary>
public enum ComparisonOperator
{
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}
