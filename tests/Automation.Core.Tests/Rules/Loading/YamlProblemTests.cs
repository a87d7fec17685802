using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>What the YAML itself may not do in a rules file, each reported where it stands.</summary>
public sealed class YamlProblemTests
{
    [Fact]
    public void A_syntax_error_is_reported_where_the_parser_stopped()
    {
        SingleProblem(OneRule("match: { contains: [x }"), 4, 27, "YAML syntax: ", "did not find expected ',' or ']'");
    }

    [Fact]
    public void An_unknown_escape_in_double_quotes_is_a_syntax_error_at_the_scalar()
    {
        // "\d" is not a YAML escape: the regex belongs in single quotes.
        SingleProblem(OneRule("match: { regex: \"\\d+\" }"), 4, 21, "YAML syntax: ", "escape");
    }

    [Fact]
    public void A_duplicate_key_is_reported_at_its_second_occurrence()
    {
        SingleProblem(OneRule("match: { contains: a }", "match: { contains: b }"), 5, 5,
            "duplicate key 'match' (first at line 4, column 5)");
    }

    [Fact]
    public void A_duplicate_key_inside_a_condition_is_reported_too()
    {
        SingleProblem(OneRule("match: { field: a, contains: x, field: b }"), 4, 37, "duplicate key 'field'");
    }

    [Fact]
    public void Anchors_and_aliases_are_refused_with_a_clear_message()
    {
        var problems = Problems(OneRule("match: &m { contains: a }", "description: *m"));

        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], 4, 12, "anchors (&m) are not supported");
        AssertProblem(problems[1], 5, 18, "aliases (*m) are not supported");
    }

    [Fact]
    public void A_tag_other_than_str_is_refused()
    {
        SingleProblem(OneRule("match: { equals: !!int 5 }"), 4, 22, "the tag 'tag:yaml.org,2002:int' is not supported");
    }

    [Fact]
    public void A_key_that_is_not_text_is_refused()
    {
        SingleProblem(OneRule("match: { [a]: b, contains: x }"), 4, 14, "a key must be text");
    }

    [Fact]
    public void A_second_document_is_refused()
    {
        SingleProblem("version: 1\nrules: []\n---\nversion: 1\n", 3, 1, "one YAML document");
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("{ not: ", 100)) + "{ contains: x }" + new string('}', 100);

        // match's mapping is at depth 4 (document, rules list, rule, match): the 62nd `{ not:` is the 65th level.
        SingleProblem(OneRule("match: " + deep), 4, 12 + (61 * 7), "nested deeper than 64 levels");
    }

    [Fact]
    public void Thousands_of_open_brackets_stop_at_the_depth_limit()
    {
        // The reading stops there (the YAML scanner gets slower with every open bracket; 100,000 would take seconds).
        SingleProblem(OneRule("match: " + new string('[', 100_000)), 4, 12 + 61, "nested deeper than 64 levels");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    [InlineData("---\n")]
    public void A_file_without_content_is_one_problem_at_its_start(string yaml)
    {
        SingleProblem(yaml, 1, 1, "holds no rules");
    }

    [Fact]
    public void A_file_that_is_a_list_says_what_it_must_be()
    {
        SingleProblem("- id: a\n  match: { contains: x }\n", 1, 1, "a rules file must be a mapping with version: 1 and rules:, not a list");
    }
}
