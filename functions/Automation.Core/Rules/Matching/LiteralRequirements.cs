using Automation.Core.Rules.Conditions;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// Which literals a condition requires in the record's message: a set L such that the condition can only hold when the
/// message contains (ignoring case) one of L, or null when there is no such set. <c>all</c> takes its most selective
/// child's set, <c>any</c> the union of its children's sets (none if one child has none), <c>not</c> never has one.
/// Literals shorter than <see cref="RegexLiterals.MinimumLength"/> are not worth a prefilter and count as none.
/// </summary>
internal static class LiteralRequirements
{
    public static string[]? Of(Condition condition) => condition switch
    {
        AllCondition all => all.Conditions.Select(Of).Aggregate((string[]?)null, RegexLiterals.MoreSelective),
        AnyCondition any => any.Conditions.Count == 0 ? null : AnyOf(any.Conditions.Select(Of).ToList()),
        NotCondition => null,
        FieldCondition field when ValueSource.For(field.Field).Kind != ValueKind.Message => null,
        ContainsCondition contains => Literals(contains.Values),
        StartsWithCondition startsWith => Literals(startsWith.Values),
        EqualsCondition equals => Literals([equals.Value]),
        InCondition @in => Literals(@in.Values),
        RegexCondition regex => RegexLiterals.Required(regex.Pattern, regex.IgnoreCase),
        _ => null, // exists and numeric comparisons say nothing about the text
    };

    private static string[]? AnyOf(List<string[]?> children) =>
        children.Any(child => child is null) ? null : RegexLiterals.Union(children!);

    /// <summary>A value containing, starting with or equal to one of <paramref name="values"/> contains one of them.</summary>
    private static string[]? Literals(IReadOnlyList<string> values) =>
        values.Count > 0 && values.All(value => value.Length >= RegexLiterals.MinimumLength)
            ? RegexLiterals.Union([[.. values]])
            : null;
}
