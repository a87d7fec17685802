using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.LogForwarder;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// The audit trail's wiring in template.yaml: the two action functions' log groups, and only those, are subscribed to
/// LogForwarderFunction with a filter that selects every kind of audit line, each with the permission CloudWatch Logs
/// needs to invoke the forwarder from exactly that log group; all only when there is an OpenSearch endpoint.
/// </summary>
public sealed partial class AuditSubscriptionTemplateTests
{
    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void The_action_functions_log_groups_and_only_those_are_subscribed_to_the_forwarder()
    {
        var subscribed = _template.ResourcesOfType("AWS::Logs::SubscriptionFilter")
            .Select(id => Referenced(Child(_template.Properties(id), "LogGroupName")!, "Ref"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal([LogGroupOf(PodRestartFunction.LogicalId), LogGroupOf(RollbackFunction.LogicalId)], subscribed);
        Assert.DoesNotContain(LogGroupOf(LogForwarderFunction.LogicalId), subscribed);
    }

    [Fact]
    public void Each_subscription_delivers_to_the_forwarder_after_a_permission_for_its_own_log_group()
    {
        foreach (var id in _template.ResourcesOfType("AWS::Logs::SubscriptionFilter"))
        {
            var filter = _template.Properties(id);
            var logGroup = Referenced(Child(filter, "LogGroupName")!, "Ref");
            Assert.Equal($"{LogForwarderFunction.LogicalId}.Arn", Referenced(Child(filter, "DestinationArn")!, "GetAtt"));
            Assert.Equal("HasOpenSearchEndpoint", Scalar(Child(_template.Resource(id), "Condition")));

            var dependsOn = Child(_template.Resource(id), "DependsOn");
            var permissionId = Scalar(dependsOn) ?? Scalar(Assert.Single(((YamlSequenceNode)dependsOn!).Children))!;
            Assert.Equal("AWS::Lambda::Permission", Scalar(Child(_template.Resource(permissionId), "Type")));
            var permission = _template.Properties(permissionId);
            Assert.Equal("lambda:InvokeFunction", Scalar(Child(permission, "Action")));
            Assert.Equal($"{LogForwarderFunction.LogicalId}.Arn", Referenced(Child(permission, "FunctionName")!, "GetAtt"));
            Assert.Equal("logs.amazonaws.com", Scalar(Child(permission, "Principal")));
            Assert.Equal($"{logGroup}.Arn", Referenced(Child(permission, "SourceArn")!, "GetAtt"));
            Assert.Equal("AWS::AccountId", Referenced(Child(permission, "SourceAccount")!, "Ref"));
            Assert.Equal("HasOpenSearchEndpoint", Scalar(Child(_template.Resource(permissionId), "Condition")));
        }
    }

    [Fact]
    public void The_filter_selects_every_kind_of_audit_line_the_schema_defines()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "docs", "schemas", "audit-line.schema.json")));
        var kinds = schema.RootElement.GetProperty("$defs").EnumerateObject()
            .Where(d => d.Value.TryGetProperty("properties", out var p) && p.TryGetProperty("audit", out var a) && a.TryGetProperty("const", out _))
            .Select(d => d.Value.GetProperty("properties").GetProperty("audit").GetProperty("const").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(kinds);

        foreach (var id in _template.ResourcesOfType("AWS::Logs::SubscriptionFilter"))
        {
            var pattern = Scalar(Child(_template.Properties(id), "FilterPattern"))!;
            // A JSON filter pattern: one brace pair, conditions on $.audit joined by ||.
            Assert.Matches(@"^\{ \(\$\.audit = ""[a-z]+""\)( \|\| \(\$\.audit = ""[a-z]+""\))* \}$", pattern);
            Assert.Equal(kinds, AuditValue().Matches(pattern).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void The_subscriptions_and_permissions_exist_only_with_an_OpenSearch_endpoint()
    {
        var parameters = new Dictionary<string, string> { ["KafkaClusterArn"] = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs/x-1" };
        var without = new TemplateInstance(_template, parameters);
        var with = new TemplateInstance(_template, new Dictionary<string, string>(parameters) { ["OpenSearchEndpoint"] = "https://search-logs-abc123.eu-west-1.es.amazonaws.com" });
        var resources = _template.ResourcesOfType("AWS::Logs::SubscriptionFilter")
            .Concat(_template.ResourcesOfType("AWS::Lambda::Permission").Where(id => Scalar(Child(_template.Properties(id), "Principal")) == "logs.amazonaws.com"))
            .ToList();

        Assert.Equal(4, resources.Count);
        foreach (var id in resources)
        {
            var condition = Scalar(Child(_template.Resource(id), "Condition"))!;
            Assert.False(without.Condition(condition), id);
            Assert.True(with.Condition(condition), id);
        }
    }

    /// <summary>The log group a function's LoggingConfig names.</summary>
    private string LogGroupOf(string function) =>
        Referenced(Child((YamlMappingNode)Child(_template.Properties(function), "LoggingConfig")!, "LogGroup")!, "Ref");

    [GeneratedRegex(@"\$\.audit = ""([a-z]+)""")]
    private static partial Regex AuditValue();
}
