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
        Assert.Equal(decides, DecisionScope.ForFunction(function).Decides(Action(type)));
        Assert.Equal(ActionCatalog.Find(type)!.Function == function, decides);
    }

    [Fact]
    public void Rules_without_actions_are_decided_by_the_log_forwarder_alone()
    {
        var countOnly = Rule("count-only");

        Assert.True(DecisionScope.ForFunction(ActionCatalog.LogForwarderFunction).Decides(countOnly));
        Assert.False(DecisionScope.ForFunction(ActionCatalog.PodRestartFunction).Decides(countOnly));
        Assert.False(DecisionScope.ForFunction(ActionCatalog.RollbackFunction).Decides(countOnly));
    }
}
