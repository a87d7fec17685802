using Automation.Core.Rules.Actions;

namespace Automation.Core.Tests.Rules.Actions;

public sealed class ActionCatalogTests
{
    [Fact]
    public void Each_function_owns_its_action_types()
    {
        Assert.Equal(["restart_pod", "rollout_restart"], ActionCatalog.OwnedBy(ActionCatalog.PodRestartFunction).Select(t => t.Type));
        Assert.Equal(["github_workflow"], ActionCatalog.OwnedBy(ActionCatalog.RollbackFunction).Select(t => t.Type));
        Assert.Equal(["forward"], ActionCatalog.OwnedBy(ActionCatalog.LogForwarderFunction).Select(t => t.Type));
        Assert.Empty(ActionCatalog.OwnedBy("SomeOtherFunction"));
    }

    [Fact]
    public void Types_and_parameter_names_are_unique_and_type_is_no_parameter()
    {
        Assert.Equal(ActionCatalog.Types.Count, ActionCatalog.Types.Select(t => t.Type).Distinct().Count());
        foreach (var type in ActionCatalog.Types)
        {
            var names = type.Parameters.Select(p => p.Name).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.DoesNotContain(ActionCatalog.TypeKey, names);
            Assert.All(type.Parameters, p => Assert.Equal(p.Kind == ActionParameterKind.Choice, p.AllowedValues.Count > 0));
            Assert.False(string.IsNullOrWhiteSpace(type.Description));
        }
    }

    [Fact]
    public void Find_knows_every_type_and_nothing_else()
    {
        Assert.Same(ActionCatalog.Types[2], ActionCatalog.Find(ActionCatalog.GitHubWorkflow));
        Assert.Null(ActionCatalog.Find("restart-pod"));
        Assert.Null(ActionCatalog.Find("RESTART_POD"));
    }

    [Fact]
    public void Restart_pod_defaults_its_target_from_the_record()
    {
        var restart = ActionCatalog.Find(ActionCatalog.RestartPod)!;

        Assert.Equal("kubernetes.namespace_name", restart.Parameter("namespace")?.DefaultField?.Text);
        Assert.Equal("kubernetes.pod_name", restart.Parameter("pod")?.DefaultField?.Text);
        Assert.All(restart.Parameters, p => Assert.False(p.Required));
        Assert.Null(restart.Parameter("workload"));
    }

    [Fact]
    public void Required_parameters_are_the_documented_ones()
    {
        Assert.Equal(
            [("rollout_restart", "namespace"), ("rollout_restart", "workload"), ("github_workflow", "repo"), ("github_workflow", "workflow")],
            ActionCatalog.Types.SelectMany(t => t.Parameters.Where(p => p.Required).Select(p => (t.Type, p.Name))));
    }
}
