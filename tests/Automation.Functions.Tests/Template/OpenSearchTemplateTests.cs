using System.Text.RegularExpressions;
using Automation.LogForwarder;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// LogForwarderFunction's OpenSearch wiring in template.yaml: the endpoint, service and auth reach the function as the
/// variables its code reads, its role may write to the given domain (or collection) only, no other role may, and its
/// event source mapping batches more than the others.
/// </summary>
public sealed class OpenSearchTemplateTests
{
    private const string KafkaClusterArn = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs/00000000-0000-0000-0000-000000000000-1";
    private const string DomainArn = "arn:aws:es:eu-west-1:123456789012:domain/logs";
    private const string CollectionArn = "arn:aws:aoss:eu-west-1:123456789012:collection/k3x9b2m4q8";
    private const string Endpoint = "https://search-logs-abc123.eu-west-1.es.amazonaws.com";

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void The_settings_reach_the_function_as_the_variables_it_reads()
    {
        var instance = Instance(new() { ["OpenSearchEndpoint"] = Endpoint, ["OpenSearchService"] = "aoss", ["OpenSearchAuth"] = "sigv4" });
        var environment = instance.Environment(LogForwarderFunction.LogicalId).ToDictionary(v => v.Key, v => Scalar(v.Value));
        environment["AWS_REGION"] = "eu-west-1";

        var options = ForwarderOptions.FromEnvironment(name => environment.GetValueOrDefault(name), dryRun: false, hasSecret: false);

        Assert.Equal(new Uri(Endpoint + "/"), options.Endpoint);
        Assert.Equal("aoss", options.Service);
        Assert.Equal("sigv4", options.Auth);
        Assert.False(Instance([]).Environment(LogForwarderFunction.LogicalId).ContainsKey(ForwarderOptions.EndpointVariable));
        foreach (var other in new[] { PodRestartFunction.LogicalId, RollbackFunction.LogicalId })
        {
            Assert.DoesNotContain(instance.Environment(other).Keys, k => k.StartsWith("OPENSEARCH_", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_parameters_allow_exactly_what_the_function_accepts()
    {
        Assert.Equal(["es", "aoss"], Allowed("OpenSearchService"));
        Assert.Equal([ForwarderOptions.SigV4, ForwarderOptions.Basic], Allowed("OpenSearchAuth"));
        var endpoint = new Regex(Scalar(Child((YamlMappingNode)_template.Parameters["OpenSearchEndpoint"], "AllowedPattern"))!);
        Assert.Matches(endpoint, Endpoint);
        Assert.Matches(endpoint, "");
        Assert.DoesNotMatch(endpoint, "http://search-logs.example.com");
        Assert.DoesNotMatch(endpoint, Endpoint + "/_bulk");
        var resource = new Regex(Scalar(Child((YamlMappingNode)_template.Parameters["OpenSearchResourceArn"], "AllowedPattern"))!);
        Assert.Matches(resource, DomainArn);
        Assert.Matches(resource, CollectionArn);
        Assert.DoesNotMatch(resource, DomainArn + "/*");
    }

    [Fact]
    public void A_domain_grants_post_and_put_on_that_domain_only()
    {
        var instance = Instance(new() { ["OpenSearchResourceArn"] = DomainArn });

        var statement = Assert.Single(Statements(instance, LogForwarderFunction.LogicalId));
        Assert.Equal("Allow", Scalar(Child(statement, "Effect")));
        Assert.Equal(["es:ESHttpPost", "es:ESHttpPut"], ((YamlSequenceNode)Child(statement, "Action")!).Children.Select(Scalar));
        var resources = ((YamlSequenceNode)Child(statement, "Resource")!).Children;
        Assert.Equal(DomainArn, Scalar(resources[0]));
        Assert.Equal(("Sub", "${OpenSearchResourceArn}/*"), Intrinsic(resources[1]) is { } sub ? (sub.Name, Scalar(sub.Argument)) : default);
        AssertNoOtherRoleTouchesOpenSearch(instance);
    }

    [Fact]
    public void A_collection_grants_api_access_to_that_collection_only()
    {
        var instance = Instance(new() { ["OpenSearchResourceArn"] = CollectionArn, ["OpenSearchService"] = "aoss" });

        var statement = Assert.Single(Statements(instance, LogForwarderFunction.LogicalId));
        Assert.Equal("aoss:APIAccessAll", Scalar(Child(statement, "Action")));
        Assert.Equal(CollectionArn, Scalar(Child(statement, "Resource")));
        AssertNoOtherRoleTouchesOpenSearch(instance);
    }

    [Fact]
    public void Without_a_resource_nothing_is_granted()
    {
        Assert.Empty(Statements(Instance(new() { ["OpenSearchEndpoint"] = Endpoint }), LogForwarderFunction.LogicalId));
    }

    [Fact]
    public void The_forwarder_batches_more_and_longer_than_the_other_functions()
    {
        var mappings = _template.ResourcesOfType("AWS::Lambda::EventSourceMapping")
            .ToDictionary(id => Scalar(Intrinsic(Child(_template.Properties(id), "FunctionName")!)!.Value.Argument)!, id => _template.Properties(id));
        var forwarder = mappings[LogForwarderFunction.LogicalId];
        foreach (var (function, mapping) in mappings.Where(m => m.Key != LogForwarderFunction.LogicalId))
        {
            Assert.True(Number(forwarder, "BatchSize") > Number(mapping, "BatchSize"), function);
            Assert.True(Number(forwarder, "MaximumBatchingWindowInSeconds") > Number(mapping, "MaximumBatchingWindowInSeconds"), function);
        }
    }

    private static int Number(YamlMappingNode properties, string name) => int.Parse(Scalar(Child(properties, name))!, System.Globalization.CultureInfo.InvariantCulture);

    private IEnumerable<string?> Allowed(string parameter) =>
        ((YamlSequenceNode)Child((YamlMappingNode)_template.Parameters[parameter], "AllowedValues")!).Children.Select(Scalar);

    private static void AssertNoOtherRoleTouchesOpenSearch(TemplateInstance instance)
    {
        Assert.Empty(Statements(instance, PodRestartFunction.LogicalId));
        Assert.Empty(Statements(instance, RollbackFunction.LogicalId));
    }

    private TemplateInstance Instance(Dictionary<string, string> parameters)
    {
        parameters["KafkaClusterArn"] = KafkaClusterArn;
        return new TemplateInstance(_template, parameters);
    }

    /// <summary>Statements that allow an es: or aoss: action.</summary>
    private static List<YamlMappingNode> Statements(TemplateInstance instance, string function) =>
        [.. instance.Statements(function).Where(statement => (Child(statement, "Action") switch
        {
            YamlSequenceNode list => list.Children.Select(a => Scalar(a)!),
            var single => [Scalar(single)!],
        }).Any(a => a.StartsWith("es:", StringComparison.Ordinal) || a.StartsWith("aoss:", StringComparison.Ordinal)))];
}
