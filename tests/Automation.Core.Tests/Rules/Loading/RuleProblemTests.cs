using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>The top level, rules, thresholds and durations: each problem with its exact place.</summary>
public sealed class RuleProblemTests
{
    private const string Match = "match: { contains: x }";

    [Fact]
    public void A_missing_version_is_reported_at_the_start()
    {
        SingleProblem("rules: []\n", 1, 1, "version: 1 is missing");
    }

    [Theory]
    [InlineData("version: 2\nrules: []\n", "not the number 2")]
    [InlineData("version: \"1\"\nrules: []\n", "not '1'")]
    [InlineData("version: 1.0\nrules: []\n", "not the number 1.0")]
    public void A_version_other_than_1_is_reported_at_the_value(string yaml, string gist)
    {
        SingleProblem(yaml, 1, 10, "version must be 1", gist);
    }

    [Fact]
    public void Missing_rules_are_reported_at_the_start()
    {
        SingleProblem("version: 1\n", 1, 1, "rules: is missing");
    }

    [Fact]
    public void Rules_that_are_not_a_list_are_reported_at_the_value()
    {
        SingleProblem("version: 1\nrules:\n  id: a\n", 3, 3, "rules must be a list of rules", "not a mapping");
    }

    [Fact]
    public void An_unknown_top_level_key_near_a_known_one_gets_a_suggestion()
    {
        SingleProblem("version: 1\nrules: []\nrule: []\n", 3, 1,
            "unknown key 'rule' at the top level: did you mean 'rules'? (allowed: version, rules, kubernetes, github, forwarding)");
    }

    [Theory]
    [InlineData("kubernetes")]
    [InlineData("github")]
    [InlineData("forwarding")]
    public void A_functions_section_must_be_a_mapping_of_known_keys(string section)
    {
        SingleProblem($"version: 1\nrules: []\n{section}: [a]\n", 3, section.Length + 3, $"{section}");
        SingleProblem($"version: 1\nrules: []\n{section}:\n  surprise: 1\n", 4, 3, $"unknown key 'surprise' in {section}:");
    }

    [Fact]
    public void A_rule_key_at_the_top_level_says_where_rules_go()
    {
        SingleProblem("version: 1\nrules: []\nmatch: { contains: x }\n", 3, 1, "unknown key 'match' at the top level: rules go in a list under rules:");
    }

    [Fact]
    public void A_rule_that_is_not_a_mapping_is_reported_at_it()
    {
        SingleProblem("version: 1\nrules:\n  - oom\n", 3, 5, "a rule must be a mapping with id:, match:", "not 'oom'");
    }

    [Fact]
    public void A_rule_without_id_is_reported_at_the_rule()
    {
        SingleProblem("version: 1\nrules:\n  - match: { contains: x }\n", 3, 5, "a rule needs an id:");
    }

    [Theory]
    [InlineData("OOM", "may only hold lower-case letters, digits")]
    [InlineData("oom restart", "may only hold")]
    [InlineData("\"\"", "may only hold")]
    [InlineData("oom/restart", "may only hold")]
    public void A_bad_rule_id_is_reported_at_the_value(string id, string gist)
    {
        SingleProblem($"version: 1\nrules:\n  - id: {id}\n    {Match}\n", 3, 9, gist);
    }

    [Fact]
    public void A_rule_id_longer_than_64_characters_is_refused()
    {
        SingleProblem($"version: 1\nrules:\n  - id: {new string('a', 65)}\n    {Match}\n", 3, 9, "rule id is 65 characters long; at most 64");
    }

    [Fact]
    public void A_rule_id_of_64_characters_or_a_number_is_fine()
    {
        var rules = Load($"version: 1\nrules:\n  - id: {new string('a', 64)}\n    {Match}\n  - id: 404\n    {Match}\n");

        Assert.Equal([new string('a', 64), "404"], rules.Rules.Select(r => r.Id));
    }

    [Fact]
    public void A_duplicate_rule_id_is_reported_at_the_second_one()
    {
        SingleProblem($"version: 1\nrules:\n  - id: a\n    {Match}\n  - id: a\n    {Match}\n", 5, 9,
            "duplicate rule id 'a' (first at line 3, column 9)");
    }

    [Fact]
    public void A_rule_without_match_is_reported_at_the_rule()
    {
        SingleProblem("version: 1\nrules:\n  - id: a\n", 3, 5, "a rule needs match:");
    }

    [Fact]
    public void An_unknown_rule_key_near_a_known_one_gets_a_suggestion()
    {
        SingleProblem(OneRule(Match, "cooldwn: 5m"), 5, 5,
            "unknown key 'cooldwn' in a rule: did you mean 'cooldown'? (allowed: id, description, match, threshold, cooldown, escalate_after, resolve_after, actions)");
    }

    [Fact]
    public void A_threshold_key_on_the_rule_says_it_belongs_under_threshold()
    {
        SingleProblem(OneRule(Match, "within: 5m"), 5, 5, "unknown key 'within' in a rule: within goes under threshold:");
    }

    [Fact]
    public void An_operator_on_the_rule_says_conditions_go_under_match()
    {
        SingleProblem(OneRule(Match, "regex: x"), 5, 5, "unknown key 'regex' in a rule: conditions go under match:");
    }

    [Fact]
    public void An_empty_description_is_reported_at_the_value()
    {
        SingleProblem(OneRule(Match, "description:"), 5, 17, "description is empty");
    }

    [Fact]
    public void A_description_that_is_a_list_is_reported()
    {
        SingleProblem(OneRule(Match, "description: [a]"), 5, 18, "description must be text, not a list");
    }

    [Fact]
    public void A_threshold_that_is_not_a_mapping_is_reported()
    {
        SingleProblem(OneRule(Match, "threshold: 5"), 5, 16, "threshold must be a mapping such as { count: 5, within: 2m", "not the number 5");
    }

    [Fact]
    public void A_threshold_without_a_window_is_reported_at_the_threshold()
    {
        SingleProblem(OneRule(Match, "threshold: { count: 5 }"), 5, 16, "a threshold needs within:");
    }

    [Fact]
    public void A_threshold_without_a_count_is_reported_at_the_threshold()
    {
        SingleProblem(OneRule(Match, "threshold:", "  within: 5m"), 6, 7, "a threshold needs count:");
    }

    [Theory]
    [InlineData("0", "not the number 0")]
    [InlineData("-3", "not the number -3")]
    [InlineData("2.5", "not the number 2.5")]
    [InlineData("'3'", "not '3'")]
    [InlineData("99999999999", "not the number 99999999999")]
    public void A_count_that_is_not_a_whole_number_of_at_least_one_is_reported_at_the_value(string count, string gist)
    {
        SingleProblem(OneRule(Match, $"threshold: {{ count: {count}, within: 1m }}"), 5, 25, "threshold count must be a whole number ≥ 1", gist);
    }

    [Fact]
    public void An_unknown_threshold_key_gets_a_suggestion()
    {
        SingleProblem(OneRule(Match, "threshold: { count: 2, within: 1m, group-by: [a] }"), 5, 40,
            "unknown key 'group-by' in a threshold: did you mean 'group_by'? (allowed: count, within, group_by)");
    }

    [Fact]
    public void An_empty_group_by_is_reported()
    {
        SingleProblem(OneRule(Match, "threshold: { count: 2, within: 1m, group_by: [] }"), 5, 50, "group_by is empty");
    }

    [Fact]
    public void A_group_by_that_is_not_a_list_is_reported()
    {
        SingleProblem(OneRule(Match, "threshold: { count: 2, within: 1m, group_by: kubernetes.pod_name }"), 5, 50,
            "group_by must be a list of field paths");
    }

    [Fact]
    public void A_group_by_path_that_does_not_parse_is_reported_at_the_character()
    {
        // "kubernetes..pod" fails at position 11, the second dot.
        SingleProblem(OneRule(Match, "threshold: { count: 2, within: 1m, group_by: [a, kubernetes..pod] }"), 5, 54 + 11,
            "group_by 'kubernetes..pod' is not a field path: expected a bare key after '.'");
    }

    [Fact]
    public void A_group_by_path_listed_twice_is_reported_at_the_second()
    {
        SingleProblem(OneRule(Match, "threshold: { count: 2, within: 1m, group_by: [kubernetes.labels.app, 'kubernetes.labels[\"app\"]'] }"), 5, 74,
            "'kubernetes.labels[\"app\"]' is already in group_by");
    }

    [Theory]
    [InlineData("0s", "'0s' must be longer than zero")]
    [InlineData("0h0m", "'0h0m' must be longer than zero")]
    [InlineData("-5m", "'-5m' is not a duration")]
    [InlineData("5 minutes", "'5 minutes' is not a duration")]
    [InlineData("30m1h", "'30m1h' is not a duration")]
    [InlineData("1h1h", "'1h1h' is not a duration")]
    [InlineData("1.5h", "'1.5h' is not a duration")]
    [InlineData("5M", "'5M' is not a duration")]
    [InlineData("400d", "'400d' is longer than 366 days")]
    [InlineData("30", "'30' has no unit")]
    public void A_bad_cooldown_is_reported_at_the_value(string value, string gist)
    {
        SingleProblem(OneRule(Match, $"cooldown: {value}"), 5, 15, "cooldown", gist);
    }

    [Theory]
    [InlineData("[5m]", "cooldown must be a duration", "not a list")]
    [InlineData("~", "cooldown must be a duration", "not empty")]
    public void A_cooldown_that_is_no_text_is_reported(string value, params string[] gists)
    {
        SingleProblem(OneRule(Match, $"cooldown: {value}"), 5, 15, gists);
    }

    [Fact]
    public void A_bad_window_is_reported_at_the_value()
    {
        SingleProblem(OneRule(Match, "threshold: { count: 2, within: 2 minutes }"), 5, 36, "threshold within: '2 minutes' is not a duration");
    }
}
