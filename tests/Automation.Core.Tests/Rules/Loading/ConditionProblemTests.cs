using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>
/// Conditions: one operator with its modifiers. Every case is one rule whose match stands on line 4 and starts at
/// column 12 (`    match: {`), so a flow mapping's first key is at column 14.
/// </summary>
public sealed class ConditionProblemTests
{
    [Fact]
    public void A_condition_that_is_text_says_to_write_an_operator()
    {
        SingleProblem(OneRule("match: OutOfMemoryError"), 4, 12, "a condition must be a mapping with one operator", "e.g. contains:", "not 'OutOfMemoryError'");
    }

    [Fact]
    public void A_condition_without_operator_is_reported_at_the_condition()
    {
        SingleProblem(OneRule("match: { field: level }"), 4, 12, "a condition needs an operator: one of contains, starts_with, regex");
    }

    [Fact]
    public void A_mistyped_operator_gets_a_suggestion_and_no_second_problem()
    {
        SingleProblem(OneRule("match: { contians: OutOfMemoryError }"), 4, 14, "unknown key 'contians' in a condition: did you mean 'contains'?");
    }

    [Theory]
    [InlineData("startswith", "starts_with")]
    [InlineData("regexp", "regex")]
    [InlineData("equal", "equals")]
    [InlineData("ignorecase", "ignore_case")]
    [InlineData("Exists", "exists")]
    public void Near_misses_of_condition_keys_are_suggested(string typed, string meant)
    {
        var problem = Assert.Single(Problems(OneRule($"match: {{ contains: x, {typed}: y }}")));

        AssertProblem(problem, 4, 27, $"unknown key '{typed}' in a condition: did you mean '{meant}'?");
    }

    [Fact]
    public void An_unknown_key_far_from_any_known_one_lists_the_allowed_keys()
    {
        SingleProblem(OneRule("match: { contains: x, severity: high }"), 4, 27,
            "unknown key 'severity' in a condition (allowed: contains, starts_with, regex, equals, in, exists, gt, gte, lt, lte, all, any, not, field, ignore_case)");
    }

    [Fact]
    public void A_second_operator_is_reported_at_its_key()
    {
        SingleProblem(OneRule("match: { contains: x, regex: y }"), 4, 27,
            "'regex' is a second operator in this condition (after 'contains' at line 4)", "combine several with all: or any:");
    }

    [Theory]
    [InlineData("all")]
    [InlineData("any")]
    public void Field_does_not_go_with_a_combinator(string op)
    {
        SingleProblem(OneRule($"match: {{ field: level, {op}: [{{ contains: x }}] }}"), 4, 14, $"'field' does not go with '{op}': put it on the conditions inside");
    }

    [Fact]
    public void Ignore_case_does_not_go_with_not()
    {
        SingleProblem(OneRule("match: { not: { contains: x }, ignore_case: true }"), 4, 36, "'ignore_case' does not go with 'not': put it on the conditions inside");
    }

    [Theory]
    [InlineData("exists: true")]
    [InlineData("gt: 5")]
    [InlineData("gte: 5")]
    [InlineData("lt: 5")]
    [InlineData("lte: 5")]
    public void Ignore_case_does_not_go_with_operators_that_compare_no_text(string condition)
    {
        var op = condition.Split(':')[0];
        SingleProblem(OneRule($"match: {{ field: status, ignore_case: true, {condition} }}"), 4, 29, $"'ignore_case' does not go with '{op}': it compares no text");
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("'true'")]
    public void Ignore_case_must_be_a_boolean(string value)
    {
        SingleProblem(OneRule($"match: {{ contains: x, ignore_case: {value} }}"), 4, 40, "ignore_case must be true or false");
    }

    [Fact]
    public void A_field_that_does_not_parse_is_reported_at_the_character()
    {
        // `kubernetes.labels[app]` stops at position 18, after the '['; the value starts after the quote at column 21.
        SingleProblem(OneRule("match: { field: 'kubernetes.labels[app]', contains: x }"), 4, 22 + 18,
            "field 'kubernetes.labels[app]' is not a field path: expected a quoted key or an array index after '['");
    }

    [Fact]
    public void A_field_error_in_a_double_quoted_scalar_is_reported_at_the_scalar_with_its_offset()
    {
        SingleProblem(OneRule("match: { field: \"a..b\", contains: x }"), 4, 21, "field 'a..b' is not a field path", "(at offset 2 of the value)");
    }

    [Theory]
    [InlineData("contains")]
    [InlineData("starts_with")]
    public void Contains_and_starts_with_refuse_an_empty_list(string op)
    {
        SingleProblem(OneRule($"match: {{ {op}: [] }}"), 4, 16 + op.Length, $"{op} is an empty list");
    }

    [Fact]
    public void Contains_refuses_an_empty_string_that_would_match_everything()
    {
        SingleProblem(OneRule("match: { contains: [a, ''] }"), 4, 28, "contains \"\" matches every value");
    }

    [Fact]
    public void Contains_refuses_a_mapping()
    {
        SingleProblem(OneRule("match: { contains: { a: b } }"), 4, 24, "contains must be text, not a mapping");
    }

    [Fact]
    public void Starts_with_refuses_an_empty_item()
    {
        SingleProblem(OneRule("match: { starts_with: [a, ~] }"), 4, 31, "starts_with is empty");
    }

    [Fact]
    public void In_refuses_a_single_value()
    {
        SingleProblem(OneRule("match: { in: error }"), 4, 18, "in takes a list", "for one value, use equals:");
    }

    [Fact]
    public void In_refuses_an_empty_list()
    {
        SingleProblem(OneRule("match: { in: [] }"), 4, 18, "in is an empty list");
    }

    [Fact]
    public void In_refuses_an_empty_item()
    {
        SingleProblem(OneRule("match: { in: [a, null] }"), 4, 22, "a value of in is empty");
    }

    [Fact]
    public void Equals_refuses_a_list()
    {
        SingleProblem(OneRule("match: { equals: [a, b] }"), 4, 22, "equals takes one value; for several, use in:");
    }

    [Fact]
    public void Equals_refuses_nothing()
    {
        SingleProblem(OneRule("match: { field: a, equals: ~ }"), 4, 32, "equals is empty");
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("\"true\"")]
    [InlineData("1")]
    public void Exists_takes_a_boolean(string value)
    {
        SingleProblem(OneRule($"match: {{ field: a, exists: {value} }}"), 4, 32, "exists must be true or false");
    }

    [Theory]
    [InlineData("gt", "'500'")]
    [InlineData("gte", "five")]
    [InlineData("lt", ".nan")]
    [InlineData("lte", "[1]")]
    public void Numeric_operators_take_an_unquoted_number(string op, string value)
    {
        SingleProblem(OneRule($"match: {{ {op}: {value} }}"), 4, 16 + op.Length, $"{op} must be a number (unquoted)");
    }

    [Theory]
    [InlineData("all")]
    [InlineData("any")]
    public void Combinators_refuse_an_empty_list(string op)
    {
        SingleProblem(OneRule($"match: {{ {op}: [] }}"), 4, 16 + op.Length, $"{op} is an empty list");
    }

    [Fact]
    public void All_refuses_a_single_condition()
    {
        SingleProblem(OneRule("match: { all: { contains: x } }"), 4, 19, "all must be a list of conditions, each starting with '- '", "not a mapping");
    }

    [Fact]
    public void Not_refuses_a_list()
    {
        SingleProblem(OneRule("match: { not: [{ contains: x }] }"), 4, 19, "not takes one condition; to negate several, put them under all: or any:");
    }

    [Fact]
    public void Problems_inside_nested_conditions_are_all_reported()
    {
        const string Yaml = """
            version: 1
            rules:
              - id: r
                match:
                  any:
                    - contans: x
                    - not:
                        regex: '(?=x)'
                    - all:
                        - field: status
                          gt: high
            """;

        var problems = Problems(Yaml);

        Assert.Equal(3, problems.Count);
        AssertProblem(problems[0], 6, 11, "did you mean 'contains'?");
        AssertProblem(problems[1], 8, 20, "regex not supported");
        AssertProblem(problems[2], 11, 19, "gt must be a number");
    }
}
