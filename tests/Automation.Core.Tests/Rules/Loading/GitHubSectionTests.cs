using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>The github: section and the checks of github_workflow actions against it and GitHub's input limits.</summary>
public sealed class GitHubSectionTests
{
    /// <summary>One rule with one github_workflow action; the action's keys start on line 7 (column 9), github: follows.</summary>
    private static string Rule(string[] action, params string[] github) =>
        "version: 1\nrules:\n  - id: r\n    match: { contains: x }\n    actions:\n      - type: github_workflow\n"
        + string.Concat(action.Select(l => "        " + l + "\n"))
        + (github.Length == 0 ? "" : "github:\n" + string.Concat(github.Select(l => "  " + l + "\n")));

    [Fact]
    public void A_full_section_is_read()
    {
        var rules = Load(Rule(["repo: acme/shop", "workflow: rollback.yml"],
            "repositories: [acme/shop, Acme/Other]", "budget: { count: 2, within: 30m }", "api_url: https://github.example.com",
            "deploy_workflow: deploy.yml", "samples: { input: log_sample, lines: 5, max_length: 120 }"));

        var github = Assert.IsType<GitHubSettings>(rules.GitHub);
        Assert.Equal(["acme/shop", "Acme/Other"], github.Repositories);
        Assert.Equal(2, github.BudgetCount);
        Assert.Equal(TimeSpan.FromMinutes(30), github.Budget);
        Assert.Equal(new Uri("https://github.example.com"), github.ApiUrl);
        Assert.Equal("deploy.yml", github.DeployWorkflow);
        Assert.Equal(("log_sample", 5, 120), (github.SampleInput, github.SampleLines, github.SampleLineLength));
        Assert.True(github.Allows("acme/other"));
        Assert.False(github.Allows("acme/shop2"));
    }

    [Fact]
    public void Defaults_apply_to_what_is_left_out()
    {
        var github = Load(Rule(["repo: acme/shop", "workflow: rollback.yml"], "repositories: [acme/shop]")).GitHub!;

        Assert.Equal(GitHubSettings.DefaultBudgetCount, github.BudgetCount);
        Assert.Equal(GitHubSettings.DefaultBudgetWithin, github.Budget);
        Assert.Null(github.ApiUrl);
        Assert.Null(github.SampleInput);
    }

    [Fact]
    public void A_literal_repository_outside_the_allow_list_is_reported_at_the_repo()
    {
        SingleProblem(Rule(["repo: acme/payments", "workflow: rollback.yml"], "repositories: [acme/shop]"), 7, 15,
            "repo 'acme/payments' is not in github.repositories (acme/shop)");
    }

    [Fact]
    public void A_templated_repository_is_left_to_the_dispatch()
    {
        var rules = Load(Rule(["repo: \"acme/{{ kubernetes.labels.app }}\"", "workflow: rollback.yml"], "repositories: [acme/shop]"));

        Assert.Single(rules.Rules);
    }

    [Fact]
    public void Without_repositories_no_repository_is_allowed()
    {
        SingleProblem(Rule(["repo: acme/shop", "workflow: rollback.yml"], "budget: { count: 1, within: 1h }"), 7, 15,
            "repo 'acme/shop' is not in github.repositories which is empty");
    }

    [Fact]
    public void Values_are_checked()
    {
        var problems = Problems(Rule(["repo: acme/shop", "workflow: rollback.yml"],
            "budget: { count: 0, within: 1h }", "api_url: ftp://example.com", "samples: { input: 'no spaces', lines: 99 }"));

        Assert.Collection(problems,
            p => AssertProblem(p, 10, 20, "github.budget count must be a whole number from 1 to 1000"),
            p => AssertProblem(p, 11, 12, "github.api_url 'ftp://example.com' must be an http(s) address"),
            p => AssertProblem(p, 12, 21, "github.samples input 'no spaces' must start with a letter"),
            p => AssertProblem(p, 12, 41, "github.samples lines must be a whole number from 1 to 20"));
    }

    [Fact]
    public void Unknown_keys_and_bad_repositories_are_reported()
    {
        var problems = Problems(Rule(["repo: acme/shop", "workflow: rollback.yml"], "repositories: [acme/shop, acme, acme/shop]", "repos: []"));

        Assert.Collection(problems,
            p => AssertProblem(p, 10, 29, "repository 'acme' must read owner/name"),
            p => AssertProblem(p, 10, 35, "'acme/shop' is already in github.repositories"),
            p => AssertProblem(p, 11, 3, "unknown key 'repos' in github:"));
    }

    [Fact]
    public void Rollback_to_needs_the_deploy_workflow()
    {
        SingleProblem(Rule(["repo: acme/shop", "workflow: rollback.yml", "rollback_to: last_successful_run"], "repositories: [acme/shop]"), 9, 22,
            "rollback_to: last_successful_run needs github.deploy_workflow");
    }

    [Fact]
    public void More_inputs_than_GitHub_takes_are_reported_counting_those_the_function_adds()
    {
        var inputs = Enumerable.Range(0, 24).Select(i => $"  i{i}: v").ToArray();
        var yaml = Rule(["repo: acme/shop", "workflow: rollback.yml", "rollback_to: last_successful_run", "inputs:", .. inputs],
            "repositories: [acme/shop]", "deploy_workflow: deploy.yml", "samples: { input: log_sample }");

        SingleProblem(yaml, 11, 11, "sends 26 inputs (rollback_to and log_sample included, which the function adds); GitHub takes at most 25");
        Load(Rule(["repo: acme/shop", "workflow: rollback.yml", "inputs:", .. inputs.Take(25)]));
    }

    [Fact]
    public void Literal_inputs_larger_than_GitHub_takes_are_reported()
    {
        var big = new string('x', 40_000);
        var yaml = Rule(["repo: acme/shop", "workflow: rollback.yml", "inputs:", $"  a: {big}", $"  b: \"{big}{{{{ message }}}}\""]);

        var problem = SingleProblem(yaml, 10, 11, "the inputs' text alone is", "GitHub takes at most 65535");
        Assert.Contains("80015 characters", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_that_clashes_with_rollback_to_is_reported()
    {
        SingleProblem(Rule(["repo: acme/shop", "workflow: rollback.yml", "rollback_to: last_successful_run", "inputs:", "  rollback_to: abc"],
            "repositories: [acme/shop]", "deploy_workflow: deploy.yml"), 11, 11, "inputs.rollback_to is what rollback_to fills in");
    }

    [Fact]
    public void An_input_may_name_the_lines_own_message_since_it_is_not_part_of_the_cooldown_target()
    {
        var rules = RulesLoader.Parse(Rule(["repo: acme/shop", "workflow: rollback.yml", "inputs:", "  why: 'saw: {{ message }}'"], "repositories: [acme/shop]"), "rules.yaml");

        Assert.Equal("saw: {{ message }}", rules.Rules[0].Actions[0].Parameters["inputs.why"].Text);
    }

    [Fact]
    public void Payload_length_counts_the_json_text()
    {
        Assert.Equal("""{"a":"b\"c","é":"\n"}""".Length, GitHubSettings.InputsPayloadLength([new("a", "b\"c"), new("é", "\n")]));
    }
}
