using Automation.Core.State;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>The state table in template.yaml is the one DynamoDbRuleStateStore expects, survives the stack, and each
/// function may make exactly the calls the store makes for it, on that table only.</summary>
public sealed class StateTableTests
{
    private static readonly string[] Functions = ["PodRestartFunction", "RollbackFunction", "LogForwarderFunction"];

    // The functions whose rules may escalate after another step: they read that step's ledger entry (GetItem).
    private static readonly string[] ReadsLedger = ["PodRestartFunction", "RollbackFunction"];

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void Table_has_the_key_schema_and_TTL_attribute_of_the_store()
    {
        Assert.Equal(["StateTable"], _template.ResourcesOfType("AWS::DynamoDB::Table"));
        var properties = _template.Properties("StateTable");

        var keys = ((YamlSequenceNode)Child(properties, "KeySchema")!).Children
            .Select(k => (Scalar(Child((YamlMappingNode)k, "AttributeName")), Scalar(Child((YamlMappingNode)k, "KeyType"))));
        Assert.Equal([(DynamoDbRuleStateStore.PartitionKey, "HASH"), (DynamoDbRuleStateStore.SortKey, "RANGE")], keys);

        var attributes = ((YamlSequenceNode)Child(properties, "AttributeDefinitions")!).Children
            .Select(a => (Scalar(Child((YamlMappingNode)a, "AttributeName")), Scalar(Child((YamlMappingNode)a, "AttributeType"))));
        Assert.Equal([(DynamoDbRuleStateStore.PartitionKey, "S"), (DynamoDbRuleStateStore.SortKey, "S")], attributes);

        var ttl = (YamlMappingNode)Child(properties, "TimeToLiveSpecification")!;
        Assert.Equal(DynamoDbRuleStateStore.ExpiresAt, Scalar(Child(ttl, "AttributeName")));
        Assert.Equal("true", Scalar(Child(ttl, "Enabled")));
    }

    [Fact]
    public void Table_is_on_demand_recoverable_encrypted_and_retained()
    {
        var properties = _template.Properties("StateTable");
        Assert.Equal("PAY_PER_REQUEST", Scalar(Child(properties, "BillingMode")));
        Assert.Equal("true", Scalar(Child((YamlMappingNode)Child(properties, "PointInTimeRecoverySpecification")!, "PointInTimeRecoveryEnabled")));
        Assert.Equal("true", Scalar(Child((YamlMappingNode)Child(properties, "SSESpecification")!, "SSEEnabled")));

        var resource = _template.Resource("StateTable");
        Assert.Equal("Retain", Scalar(Child(resource, "DeletionPolicy")));
        Assert.Equal("Retain", Scalar(Child(resource, "UpdateReplacePolicy")));
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Function_is_told_the_table_name(string function)
    {
        static YamlNode? Lookup(YamlMappingNode? owner, string name) =>
            Child(Child(Child(owner, "Environment") as YamlMappingNode, "Variables") as YamlMappingNode, name);

        var variable = Lookup(_template.Properties(function), DynamoDbRuleStateStore.TableEnvironmentVariable)
                       ?? Lookup(Child(_template.Globals, "Function") as YamlMappingNode, DynamoDbRuleStateStore.TableEnvironmentVariable);
        Assert.NotNull(variable);
        Assert.Equal(("Ref", "StateTable"), Intrinsic(variable) is { } i ? (i.Name, Scalar(i.Argument)) : default);
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Function_may_make_exactly_the_stores_calls_on_the_table_only(string function)
    {
        var dynamoStatements = _template.Walk()
            .Where(entry => entry.Path.StartsWith($"/Resources/{function}/Properties/Policies/", StringComparison.Ordinal))
            .Select(entry => entry.Node as YamlMappingNode)
            .Where(statement => Child(statement, "Action") is not null)
            .Where(statement => Actions(statement!).Any(a => a.StartsWith("dynamodb:", StringComparison.OrdinalIgnoreCase)))
            .ToList();

        var statement = Assert.Single(dynamoStatements)!;
        Assert.Equal("Allow", Scalar(Child(statement, "Effect")));
        Assert.Equal(ReadsLedger.Contains(function)
                ? ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
                : ["dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            Actions(statement).Order(StringComparer.Ordinal));

        var resource = Child(statement, "Resource")!;
        var target = Intrinsic(resource);
        Assert.Equal("GetAtt", target?.Name);
        var argument = target!.Value.Argument;
        var name = argument is YamlSequenceNode pair
            ? $"{Scalar(pair.Children[0])}.{Scalar(pair.Children[1])}"
            : Scalar(argument);
        Assert.Equal("StateTable.Arn", name);
    }

    public static TheoryData<string> FunctionNames() => [.. Functions];

    private static IEnumerable<string> Actions(YamlMappingNode statement) =>
        Child(statement, "Action") switch
        {
            YamlSequenceNode list => list.Children.Select(a => Scalar(a)!),
            var single => [Scalar(single)!],
        };
}
