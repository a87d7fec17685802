using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// The recovery sweep in template.yaml: one EventBridge schedule per action function, each allowed to invoke exactly
/// its function, on unless the RecoverySweepSchedule parameter is emptied.
/// </summary>
public sealed class RecoverySweepTemplateTests
{
    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void Each_action_function_and_only_those_has_a_schedule_with_its_own_permission()
    {
        var rules = _template.ResourcesOfType("AWS::Events::Rule");
        var targets = rules.Select(TargetOf)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal([$"{PodRestartFunction.LogicalId}.Arn", $"{RollbackFunction.LogicalId}.Arn"], targets);
        foreach (var rule in rules)
        {
            Assert.Equal("RecoverySweepSchedule", Referenced(Child(_template.Properties(rule), "ScheduleExpression")!, "Ref"));
            Assert.Equal("HasRecoverySweep", Scalar(Child(_template.Resource(rule), "Condition")));
            var target = TargetOf(rule);
            var permission = Assert.Single(_template.ResourcesOfType("AWS::Lambda::Permission"),
                id => Child(_template.Properties(id), "SourceArn") is { } source && Referenced(source, "GetAtt") == $"{rule}.Arn");
            Assert.Equal("events.amazonaws.com", Scalar(Child(_template.Properties(permission), "Principal")));
            Assert.Equal("lambda:InvokeFunction", Scalar(Child(_template.Properties(permission), "Action")));
            Assert.Equal(target, Referenced(Child(_template.Properties(permission), "FunctionName")!, "GetAtt"));
            Assert.Equal("HasRecoverySweep", Scalar(Child(_template.Resource(permission), "Condition")));
        }
    }

    [Fact]
    public void The_schedule_is_on_by_default_and_off_when_emptied()
    {
        var parameter = (YamlMappingNode)_template.Parameters["RecoverySweepSchedule"];

        Assert.Equal("rate(1 minute)", Scalar(Child(parameter, "Default")));
        var pattern = new System.Text.RegularExpressions.Regex(Scalar(Child(parameter, "AllowedPattern"))!);
        Assert.Matches(pattern, "rate(5 minutes)");
        Assert.Matches(pattern, "");
        Assert.DoesNotMatch(pattern, "every minute");
    }

    /// <summary>The function a schedule's one target invokes.</summary>
    private string TargetOf(string rule) =>
        Referenced(Child((YamlMappingNode)Assert.Single(((YamlSequenceNode)Child(_template.Properties(rule), "Targets")!).Children), "Arn")!, "GetAtt");
}
