using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.Testing;
using YamlDotNet.RepresentationModel;

namespace Automation.Functions.Tests.GitHub;

/// <summary>deploy/github/rollback.yml takes exactly the inputs the shipped rules send it, so a team that copies both gets a working pair.</summary>
public sealed class ExampleWorkflowTests
{
    [Fact]
    public void The_example_workflow_takes_what_the_shipped_rule_sends_and_requires_nothing_else()
    {
        var (declared, required) = WorkflowInputs(Path.Combine(Fixtures.RepoRoot, "deploy", "github", "rollback.yml"));
        var rules = RulesLoader.Load(Path.Combine(Fixtures.RepoRoot, "rules.yaml"));
        var actions = rules.Rules.SelectMany(r => r.Actions)
            .Where(a => a.Type == ActionCatalog.GitHubWorkflow && a.Parameters["workflow"].Text == "rollback.yml")
            .ToList();

        Assert.NotEmpty(actions);
        Assert.True(declared.Count <= GitHubSettings.MaxInputs);
        foreach (var action in actions)
        {
            var sent = action.Parameters.Keys.Where(k => k.StartsWith("inputs.", StringComparison.Ordinal)).Select(k => k["inputs.".Length..]).ToList();
            if (action.Parameters.ContainsKey("rollback_to"))
            {
                sent.Add(GitHubSettings.RollbackInput);
            }
            if (rules.GitHub?.SampleInput is { } sample)
            {
                sent.Add(sample);
            }
            Assert.Equal(declared.Order(StringComparer.Ordinal), sent.Order(StringComparer.Ordinal));
            Assert.Subset(sent.ToHashSet(StringComparer.Ordinal), required.ToHashSet(StringComparer.Ordinal));
        }
    }

    private static (List<string> Declared, List<string> Required) WorkflowInputs(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var inputs = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)root["on"])["workflow_dispatch"])["inputs"];
        var declared = inputs.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        var required = inputs.Children
            .Where(i => ((YamlMappingNode)i.Value).Children.TryGetValue(new YamlScalarNode("required"), out var r) && ((YamlScalarNode)r).Value == "true")
            .Select(i => ((YamlScalarNode)i.Key).Value!)
            .ToList();
        return (declared, required);
    }
}
