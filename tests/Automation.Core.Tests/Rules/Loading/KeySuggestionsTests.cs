using Automation.Core.Rules.Loading;

namespace Automation.Core.Tests.Rules.Loading;

public sealed class KeySuggestionsTests
{
    [Theory]
    [InlineData("contians", "contains")]
    [InlineData("contain", "contains")]
    [InlineData("theshold", "threshold")]
    [InlineData("group-by", "group_by")]
    [InlineData("cooldwon", "cooldown")]
    [InlineData("Match", "match")]
    [InlineData("od", "id")]
    public void A_typo_finds_the_key_it_was_meant_to_be(string typed, string meant)
    {
        Assert.Equal(meant, KeySuggestions.Closest(typed, [.. RulesKeys.Rule, .. RulesKeys.ThresholdKeys, .. RulesKeys.Condition]));
    }

    [Theory]
    [InlineData("severity")]
    [InlineData("window")]
    [InlineData("x")]
    public void A_word_far_from_every_key_finds_none(string typed)
    {
        Assert.Null(KeySuggestions.Closest(typed, [.. RulesKeys.Rule, .. RulesKeys.ThresholdKeys, .. RulesKeys.Condition]));
    }

    [Fact]
    public void A_swap_of_neighbours_is_one_edit()
    {
        Assert.Equal(1, KeySuggestions.Distance("contians", "contains"));
        Assert.Equal(2, KeySuggestions.Distance("abcd", "badc"));
        Assert.Equal(0, KeySuggestions.Distance("same", "same"));
    }
}
