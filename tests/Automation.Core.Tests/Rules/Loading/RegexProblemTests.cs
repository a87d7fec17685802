using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>Regexes must compile for the non-backtracking engine; errors point into the pattern where YAML allows.</summary>
public sealed class RegexProblemTests
{
    [Fact]
    public void An_invalid_plain_regex_is_reported_at_the_character_where_it_fails()
    {
        // `{ regex: a(b }`: the value starts at column 21; .NET stops at offset 3, the end of the pattern.
        SingleProblem(OneRule("match: { regex: a(b }"), 4, 21 + 3, "invalid regex: Not enough )'s");
    }

    [Fact]
    public void An_invalid_regex_in_block_style_is_reported_at_the_character_too()
    {
        SingleProblem(OneRule("match:", "  regex: x[z-a]"), 5, 14 + 5, "invalid regex: [x-y] range in reverse order");
    }

    [Fact]
    public void An_invalid_single_quoted_regex_counts_each_doubled_quote_as_two_columns()
    {
        // Value x'y[z-a] fails at offset 7; in the file `'x''y[z-a]'` opens at column 21, so that is column 22 + 7 + 1.
        SingleProblem(OneRule("match: { regex: 'x''y[z-a]' }"), 4, 30, "invalid regex: [x-y] range in reverse order");
    }

    [Fact]
    public void An_invalid_double_quoted_regex_is_reported_at_the_scalar_with_its_offset()
    {
        SingleProblem(OneRule("match: { regex: \"x\\\\d[z-a]\" }"), 4, 21, "invalid regex: [x-y] range in reverse order", "(at offset 7 of the value)");
    }

    [Fact]
    public void An_invalid_regex_in_a_literal_block_is_reported_at_the_block_with_its_offset()
    {
        SingleProblem(OneRule("match:", "  regex: |-", "    a(b"), 5, 14, "invalid regex: Not enough )'s", "(at offset 3 of the value)");
    }

    [Theory]
    [InlineData(@"(a)\1", "backreference")]
    [InlineData(@"(?<x>a)\k<x>", "backreference")]
    [InlineData("(?=a)b", "lookahead")]
    [InlineData("(?!a)b", "lookahead")]
    [InlineData("(?<=a)b", "lookbehind")]
    [InlineData("(?<!a)b", "lookbehind")]
    [InlineData("(?>a+)b", "atomic")]
    [InlineData("(?(a)b|c)", "conditional")]
    [InlineData(@"\Ga", @"\G")]
    public void Constructs_that_need_backtracking_are_refused_with_the_reason(string pattern, string construct)
    {
        SingleProblem(OneRule($"match: {{ regex: '{pattern}' }}"), 4, 21, "regex not supported: it uses ", construct, "needs backtracking", "no pattern can hang a batch");
    }

    [Fact]
    public void A_regex_too_large_for_the_engine_is_refused()
    {
        SingleProblem(OneRule("match: { regex: 'a{20000}' }"), 4, 21, "regex not supported: ", "limit");
    }

    [Fact]
    public void An_empty_regex_is_refused()
    {
        SingleProblem(OneRule("match: { regex: '' }"), 4, 21, "regex \"\" matches every value");
    }

    [Fact]
    public void A_valid_regex_with_ignore_case_loads()
    {
        var rules = Load(OneRule(@"match: { regex: 'Killed process \d+ \(java\)', ignore_case: true }"));

        var regex = Assert.IsType<Automation.Core.Rules.Conditions.RegexCondition>(rules.Rules[0].Match);
        Assert.Equal(@"Killed process \d+ \(java\)", regex.Pattern);
        Assert.True(regex.IgnoreCase);
    }
}
