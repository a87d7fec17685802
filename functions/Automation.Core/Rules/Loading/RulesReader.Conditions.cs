using Automation.Core.Rules.Matching;
using System.Text.RegularExpressions;
using Automation.Core.Logs;
using Automation.Core.Rules.Conditions;

namespace Automation.Core.Rules.Loading;

/// <summary>Conditions: a mapping with exactly one operator and, for value operators, field and ignore_case.</summary>
internal sealed partial class RulesReader
{
    private static readonly string OperatorList = string.Join(", ", RulesKeys.Operators);

    private Condition? ReadCondition(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "a condition", $"a mapping with one operator ({OperatorList}), e.g. contains: \"OutOfMemoryError\"");
            return null;
        }
        var before = _problems.Count;
        var unknown = CheckKeys(map, RulesKeys.Condition, "in a condition");

        var operators = map.Entries.Where(e => RulesKeys.Operators.Contains(e.Key.Value)).ToList();
        if (operators.Count == 0)
        {
            // An unknown key is most likely the operator mistyped: that problem says enough.
            if (unknown == 0)
            {
                _problems.At(map, $"a condition needs an operator: one of {OperatorList}");
            }
            return null;
        }
        var first = operators[0];
        foreach (var extra in operators.Skip(1))
        {
            _problems.At(extra.Key,
                $"'{extra.Key.Value}' is a second operator in this condition (after '{first.Key.Value}' at line {first.Key.Start.Line}): " +
                "a condition holds one; combine several with all: or any:");
        }

        var op = first.Key.Value;
        var combinator = RulesKeys.Combinators.Contains(op);
        FieldPath? field = null;
        if (map.Find(RulesKeys.Field) is { } fieldEntry)
        {
            if (combinator)
            {
                _problems.At(fieldEntry.Key, $"'field' does not go with '{op}': put it on the conditions inside");
            }
            else
            {
                field = Path(fieldEntry.Value, "field");
            }
        }
        var ignoreCase = false;
        if (map.Find(RulesKeys.IgnoreCase) is { } ignoreCaseEntry)
        {
            if (RulesKeys.CaseFree.Contains(op))
            {
                var why = combinator ? "put it on the conditions inside" : "it compares no text";
                _problems.At(ignoreCaseEntry.Key, $"'ignore_case' does not go with '{op}': {why}");
            }
            else
            {
                ignoreCase = Bool(ignoreCaseEntry.Value, "ignore_case") ?? false;
            }
        }

        var condition = ReadOperator(op, first.Value, field, ignoreCase, _problems.LocationOf(map.Start));
        return _problems.Count > before ? null : condition;
    }

    private Condition? ReadOperator(string op, YamlNode value, FieldPath? field, bool ignoreCase, SourceLocation location)
    {
        switch (op)
        {
            case RulesKeys.Contains:
                return Strings(value, op) is { } contains ? new ContainsCondition(contains, field, ignoreCase, location) : null;
            case RulesKeys.StartsWith:
                return Strings(value, op) is { } prefixes ? new StartsWithCondition(prefixes, field, ignoreCase, location) : null;
            case RulesKeys.Regex:
                return Pattern(value, ignoreCase) is { } pattern ? new RegexCondition(pattern, field, ignoreCase, location) : null;
            case RulesKeys.EqualsKey:
                if (value is YamlSequence)
                {
                    _problems.At(value, "equals takes one value; for several, use in: [...]");
                    return null;
                }
                return Text(value, op) is { } text ? new EqualsCondition(text, field, ignoreCase, location) : null;
            case RulesKeys.In:
                if (value is YamlScalar)
                {
                    _problems.At(value, "in takes a list, e.g. in: [payments, checkout]; for one value, use equals:");
                    return null;
                }
                if (NonEmptyList(value, op, "a list of values, e.g. [payments, checkout]") is not { } items)
                {
                    return null;
                }
                var values = items.Select(item => Text(item, "a value of in")).ToList();
                return values.Contains(null) ? null : new InCondition([.. values.OfType<string>()], field, ignoreCase, location);
            case RulesKeys.Exists:
                return Bool(value, op) is { } exists ? new ExistsCondition(exists, field, location) : null;
            case RulesKeys.Gt or RulesKeys.Gte or RulesKeys.Lt or RulesKeys.Lte:
                return Number(value, op) is { } number ? new CompareCondition(Comparison(op), number, field, location) : null;
            case RulesKeys.All or RulesKeys.Any:
                if (NonEmptyList(value, op, "a list of conditions, each starting with '- '") is not { } children)
                {
                    return null;
                }
                var conditions = children.Select(ReadCondition).ToList();
                if (conditions.Any(c => c is null))
                {
                    return null;
                }
                return op == RulesKeys.All
                    ? new AllCondition([.. conditions.Select(c => c!)], location)
                    : new AnyCondition([.. conditions.Select(c => c!)], location);
            case RulesKeys.Not:
                if (value is YamlSequence)
                {
                    _problems.At(value, "not takes one condition; to negate several, put them under all: or any: inside not:");
                    return null;
                }
                return ReadCondition(value) is { } inner ? new NotCondition(inner, location) : null;
            default:
                throw new InvalidOperationException($"operator '{op}' has no reader"); // RulesKeys.Operators and this switch must agree
        }
    }

    /// <summary>contains/starts_with: one string or a non-empty list of them; an empty string would match anything.</summary>
    private List<string>? Strings(YamlNode value, string op)
    {
        var items = value is YamlSequence ? NonEmptyList(value, op, "text or a list of text") : [value];
        if (items is null)
        {
            return null;
        }
        var texts = new List<string>();
        var ok = true;
        foreach (var item in items)
        {
            var text = Text(item, op);
            if (text is null)
            {
                ok = false;
            }
            else if (text.Length == 0)
            {
                _problems.At(item, $"{op} \"\" matches every value: remove it, or test the field with exists: true");
                ok = false;
            }
            else
            {
                texts.Add(text);
            }
        }
        return ok ? texts : null;
    }

    private IReadOnlyList<YamlNode>? NonEmptyList(YamlNode value, string op, string expected)
    {
        if (Sequence(value, op, expected) is not { } list)
        {
            return null;
        }
        if (list.Items.Count == 0)
        {
            _problems.At(list, $"{op} is an empty list: it needs at least one item");
            return null;
        }
        return list.Items;
    }

    /// <summary>
    /// A regex must compile for the engine that runs it: without backtracking, so no pattern can hang a batch.
    /// That engine refuses backreferences, lookarounds, atomic groups and conditionals.
    /// </summary>
    private string? Pattern(YamlNode value, bool ignoreCase)
    {
        if (Text(value, RulesKeys.Regex) is not { } pattern)
        {
            return null;
        }
        var scalar = (YamlScalar)value;
        if (pattern.Length == 0)
        {
            _problems.At(value, "regex \"\" matches every value: write a pattern, or test the field with exists: true");
            return null;
        }
        try
        {
            _ = RuleRegexes.Create(pattern, ignoreCase);
            return pattern;
        }
        catch (RegexParseException e)
        {
            // .NET's message repeats the pattern and the offset; keep only the reason.
            var prefix = $"Invalid pattern '{pattern}' at offset {e.Offset}. ";
            var reason = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            _problems.AtOffset(scalar, e.Offset, $"invalid regex: {reason.TrimEnd('.')}");
        }
        catch (NotSupportedException e)
        {
            _problems.At(value, $"regex not supported: {Unsupported(e.Message)}; rules run without backtracking so that no pattern can hang a batch");
        }
        catch (ArgumentException e)
        {
            _problems.At(value, $"invalid regex: {e.Message}");
        }
        return null;
    }

    private static string Unsupported(string message)
    {
        const string Marker = "expressions containing: ";
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? message.TrimEnd('.') : $"it uses {message[(at + Marker.Length)..].TrimEnd('.')}, which needs backtracking";
    }

    private static ComparisonOperator Comparison(string op) => op switch
    {
        RulesKeys.Gt => ComparisonOperator.GreaterThan,
        RulesKeys.Gte => ComparisonOperator.GreaterThanOrEqual,
        RulesKeys.Lt => ComparisonOperator.LessThan,
        _ => ComparisonOperator.LessThanOrEqual,
    };
}
