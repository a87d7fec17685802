using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Decisions;
using static Automation.Core.Tests.Rules.Decisions.TestRules;

namespace Automation.Core.Tests.Rules.Decisions;

public sealed class DecisionScopeTests
{
    [Theory]
    [InlineData("PodRestartFunction", "restart_pod", true)]
    [InlineData("PodRestartFunction", "rollout_restart", true)]
    [InlineData("PodRestartFunction", "github_workflow", false)]
    [InlineData("RollbackFunction", "github_workflow", true)]
    [InlineData("RollbackFunction", "forward", false)]
    [InlineData("LogForwarderFunction", "forward", true)]
    [InlineData("LogForwarderFunction", "restart_pod", false)]
    public void A_function_decides_exactly_the_actions_the_catalog_gives_it(string function, string type, bool decides)
    {
        var action = Action(type);
        Assert.Equal(decides, DecisionScope.ForFunction(function).Decides(Rule("r", actions: action), action));
        Assert.Equal(ActionCatalog.Find(type)!.Function == function, decides);
        Assert.Equal(decides, DecisionScope.ForFunction(function).Decides(Rule("r", actions: action)));
    }

    [Fact]
    public void Rules_without_actions_are_decided_by_the_log_forwarder_alone()
    {
        var countOnly = Rule("count-only");

        Assert.True(DecisionScope.ForFunction(ActionCatalog.LogForwarderFunction).Decides(countOnly));
        Assert.False(DecisionScope.ForFunction(ActionCatalog.PodRestartFunction).Decides(countOnly));
        Assert.False(DecisionScope.ForFunction(ActionCatalog.RollbackFunction).Decides(countOnly));
    }

    [Theory]
    [InlineData("rollout_restart", "PodRestartFunction")]
    [InlineData("github_workflow", "RollbackFunction")]
    [InlineData("forward", "PodRestartFunction")]
    public void Notify_is_decided_by_the_function_that_runs_the_rules_restarts_or_rollbacks(string other, string notifier)
    {
        var notify = Action("notify");
        var rule = Rule("r", actions: [Action(other), notify]);

        foreach (var function in new[] { ActionCatalog.PodRestartFunction, ActionCatalog.RollbackFunction, ActionCatalog.LogForwarderFunction })
        {
            Assert.Equal(function == notifier, DecisionScope.ForFunction(function).Decides(rule, notify));
        }
    }

    [Fact]
    public void A_rule_that_only_notifies_is_decided_by_one_function()
    {
        var notify = Action("notify");
        var rule = Rule("r", actions: notify);

        Assert.True(DecisionScope.ForFunction(ActionCatalog.NotifyOnlyFunction).Decides(rule));
        Assert.Single(new[] { ActionCatalog.PodRestartFunction, ActionCatalog.RollbackFunction, ActionCatalog.LogForwarderFunction },
            function => DecisionScope.ForFunction(function).Decides(rule, notify));
    }
}
