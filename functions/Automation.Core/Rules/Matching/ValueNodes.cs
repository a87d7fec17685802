using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Automation.Core.Logs;
using Automation.Core.Rules.Conditions;

namespace Automation.Core.Rules.Matching;

/// <summary>Cost of reading a value: free for the message and level, a JSON walk and an allocation for a field.</summary>
internal static class ValueCost
{
    public static int Read(ValueSource source) => source.Kind == ValueKind.Field ? MatchNode.CostFieldRead : MatchNode.CostLiteral;

    public static StringComparison Comparison(bool ignoreCase) =>
        ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}

/// <summary>
/// `contains:` (any of the strings occurs in the value) and `starts_with:` (the value starts with any of them): the
/// same loop over the candidates, with a different test.
/// </summary>
internal sealed class AnyStringNode(ValueSource source, string[] values, bool ignoreCase, bool prefixOnly) : MatchNode
{
    private readonly StringComparison _comparison = ValueCost.Comparison(ignoreCase);

    public override int Cost => ValueCost.Read(source);

    public override bool Evaluate(LogRecord record)
    {
        if (!source.TryGet(record, out var value))
        {
            return false;
        }
        foreach (var candidate in values)
        {
            if (prefixOnly ? value.AsSpan().StartsWith(candidate, _comparison) : value.AsSpan().Contains(candidate, _comparison))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// `equals:` and `in:` the value is exactly one of the strings. Case-sensitive tests on a field use
/// <see cref="LogFields.ValueEquals"/> (no allocation) while the list is short; a long list or ignore_case reads the
/// value once (one allocation) and looks it up in a set.
/// </summary>
internal sealed class InNode : MatchNode
{
    /// <summary>Up to this many values, one allocation-free JSON walk per value beats one read plus a set lookup.</summary>
    private const int MaxWalks = 4;

    private readonly ValueSource _source;
    private readonly string[] _values;
    private readonly FrozenSet<string>? _set;

    public InNode(ValueSource source, IReadOnlyList<string> values, bool ignoreCase)
    {
        _source = source;
        _values = [.. values];
        var walk = !ignoreCase && source.Kind == ValueKind.Field && _values.Length <= MaxWalks;
        _set = walk ? null : _values.ToFrozenSet(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        Cost = source.Kind != ValueKind.Field ? CostLiteral : walk ? CostFieldEquals : CostFieldRead;
    }

    public override int Cost { get; }

    public override bool Evaluate(LogRecord record)
    {
        if (_set is not null)
        {
            return _source.TryGet(record, out var value) && _set.Contains(value);
        }
        foreach (var expected in _values)
        {
            if (_source.ValueEquals(record, expected))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>`regex:` the compiled (non-backtracking) expression matches somewhere in the value.</summary>
internal sealed class RegexNode(ValueSource source, Regex regex) : MatchNode
{
    public override int Cost => CostRegex + ValueCost.Read(source) - CostLiteral;

    public override bool Evaluate(LogRecord record) => source.TryGet(record, out var value) && regex.IsMatch(value);
}

/// <summary>`exists:` the value is present and not JSON null (or, with false, it is not).</summary>
internal sealed class ExistsNode(ValueSource source, bool exists) : MatchNode
{
    public override int Cost => ValueCost.Read(source);

    public override bool Evaluate(LogRecord record) => source.TryGet(record, out _) == exists;
}

/// <summary>
/// `gt`/`gte`/`lt`/`lte`: the value reads as a finite number (JSON number text or a numeric string, invariant
/// culture); anything else fails the test.
/// </summary>
internal sealed class CompareNode(ValueSource source, ComparisonOperator op, double operand) : MatchNode
{
    public override int Cost => ValueCost.Read(source);

    public override bool Evaluate(LogRecord record)
    {
        if (!source.TryGet(record, out var text)
            || !double.TryParse(text.AsSpan(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || !double.IsFinite(number))
        {
            return false;
        }
        return op switch
        {
            ComparisonOperator.GreaterThan => number > operand,
            ComparisonOperator.GreaterThanOrEqual => number >= operand,
            ComparisonOperator.LessThan => number < operand,
            ComparisonOperator.LessThanOrEqual => number <= operand,
            _ => false,
        };
    }
}
