using Automation.Core.Rules;
using Automation.Core.Rules.Loading;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>Loads rules from text in tests and checks the problems they give.</summary>
internal static class RulesText
{
    public const string Source = "rules.yaml";

    /// <summary>A rules file whose one rule (id r) has the given lines, each indented by four spaces; they start on line 4.</summary>
    public static string OneRule(params string[] lines) =>
        "version: 1\nrules:\n  - id: r\n" + string.Concat(lines.Select(l => "    " + l + "\n"));

    public static RuleSet Load(string yaml) => RulesLoader.Parse(yaml, Source);

    public static IReadOnlyList<RuleProblem> Problems(string yaml) =>
        Assert.Throws<RulesValidationException>(() => RulesLoader.Parse(yaml, Source)).Problems;

    /// <summary>Asserts the text gives exactly one problem, at line:column, whose message holds every gist.</summary>
    public static RuleProblem SingleProblem(string yaml, int line, int column, params string[] gists)
    {
        var problems = Problems(yaml);
        var problem = Assert.Single(problems);
        AssertProblem(problem, line, column, gists);
        return problem;
    }

    public static void AssertProblem(RuleProblem problem, int line, int column, params string[] gists)
    {
        Assert.Equal(new SourceLocation(Source, line, column), problem.Location);
        foreach (var gist in gists)
        {
            Assert.Contains(gist, problem.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain('\n', problem.Message);
    }
}
