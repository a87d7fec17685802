using System.Text.RegularExpressions;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>What cfn-lint cannot know about template.yaml: the build layout on disk, the README, and the wiring
/// between the event source mappings and what the functions are told.</summary>
public sealed partial class TemplateTests
{
    private static readonly string[] Functions = ["PodRestartFunction", "RollbackFunction", "LogForwarderFunction"];

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    [Fact]
    public void Template_is_read_with_its_short_form_tags()
    {
        Assert.Equal("AWS::Serverless-2016-10-31", Scalar(Child(_template.Root, "Transform")));
        Assert.Equal(Functions, _template.ResourcesOfType("AWS::Serverless::Function"));

        var logGroup = Child((YamlMappingNode)Child(_template.Properties("PodRestartFunction"), "LoggingConfig")!, "LogGroup")!;
        Assert.Equal("!Ref", TagOf(logGroup));
        Assert.Equal(("Ref", "PodRestartLogGroup"), Intrinsic(logGroup) is { } i ? (i.Name, Scalar(i.Argument)) : default);
    }

    [Fact]
    public void Every_function_is_built_by_the_Makefile_target_sam_build_calls()
    {
        foreach (var function in _template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var metadata = (YamlMappingNode)Child(_template.Resource(function), "Metadata")!;
            Assert.Equal("makefile", Scalar(Child(metadata, "BuildMethod")));
            Assert.Equal("provided.al2023", Scalar(_template.FunctionProperty(function, "Runtime")));
            Assert.Equal("bootstrap", Scalar(_template.FunctionProperty(function, "Handler")));

            // sam build reads the Makefile from ContextPath when it is set, else from CodeUri.
            var makefileDir = Scalar(Child(metadata, "ContextPath")) ?? Scalar(_template.FunctionProperty(function, "CodeUri"));
            Assert.NotNull(makefileDir);
            var makefile = Path.Combine(Fixtures.RepoRoot, makefileDir, "Makefile");
            Assert.True(File.Exists(makefile), $"{function}: no Makefile at {makefileDir}");
            Assert.Matches(new Regex($"^build-{function}:", RegexOptions.Multiline), File.ReadAllText(makefile));

            // The copied tree must hold the working directory, or SAM runs make outside the scratch copy.
            var root = Path.GetFullPath(Path.Combine(Fixtures.RepoRoot, Scalar(Child(metadata, "ProjectRootDirectory")) ?? makefileDir));
            var workingDir = Path.GetFullPath(Path.Combine(Fixtures.RepoRoot, Scalar(Child(metadata, "WorkingDirectory")) ?? makefileDir));
            Assert.True(Directory.Exists(workingDir), $"{function}: no folder {workingDir}");
            Assert.StartsWith(root, workingDir, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(root, "functions", "Automation.Core", "Automation.Core.csproj")),
                $"{function}: the project root copied for the build must contain functions/Automation.Core");
        }
    }

    [Fact]
    public void Every_reference_names_a_parameter_a_resource_or_a_pseudo_parameter()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        names.UnionWith(_template.Parameters.Children.Keys.Select(key => Scalar(key)!));
        names.UnionWith(_template.Resources.Children.Keys.Select(key => Scalar(key)!));
        names.UnionWith(PseudoParameters);
        names.UnionWith(_template.SamGeneratedNames());
        var conditions = _template.Conditions.Children.Keys.Select(key => Scalar(key)!).ToHashSet(StringComparer.Ordinal);

        var references = _template.References();
        var unknown = references
            .Where(r => r.Function == "Condition" ? !conditions.Contains(r.Name) : !names.Contains(r.Name))
            .Select(r => $"{r.Function} {r.Name} at {r.Path}")
            .ToList();
        Assert.True(unknown.Count == 0, "unknown names:\n" + string.Join("\n", unknown));

        // The walk really sees all four kinds, in short and long form, so an empty result above means something.
        Assert.Contains(references, r => r is { Function: "Ref", Name: "KafkaClusterArn" });
        Assert.Contains(references, r => r is { Function: "GetAtt", Name: "PodRestartFunctionRole" });
        Assert.Contains(references, r => r is { Function: "Sub", Name: "PodRestartTopic" });
        Assert.Contains(references, r => r is { Function: "Sub", Name: "AWS::StackName" });
        Assert.Contains(references, r => r is { Function: "Condition", Name: "IsProvisioned" });
        Assert.DoesNotContain(references, r => r is { Function: "Sub", Name: "Partition" or "ClusterId" });
    }

    [Fact]
    public void Every_parameter_is_used()
    {
        var used = _template.References().Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var rules = _template.Walk()
            .Where(entry => entry.Path.StartsWith("/Rules/", StringComparison.Ordinal))
            .Select(entry => Intrinsic(entry.Node))
            .Where(i => i?.Name == "Ref")
            .Select(i => Scalar(i!.Value.Argument));
        used.UnionWith(rules!);

        var unused = _template.Parameters.Children.Keys.Select(key => Scalar(key)!).Where(p => !used.Contains(p)).ToList();
        Assert.Empty(unused);
    }

    [Fact]
    public void Every_function_reads_one_Kafka_topic_with_its_own_consumer_group()
    {
        var sources = KafkaSources().ToList();
        Assert.Equal(Functions.Order(), sources.Select(s => s.Function).Order());

        foreach (var source in sources)
        {
            foreach (var required in new[] { source.StreamProperty, "Topics", "StartingPosition" })
            {
                Assert.True(Child(source.Properties, required) is not null, $"{source.Id}: no {required}");
            }
            var topics = Assert.IsType<YamlSequenceNode>(Child(source.Properties, "Topics"));
            Assert.Single(topics.Children);
        }

        var groups = sources.Select(s => ConsumerGroup(s.Properties)).ToList();
        Assert.All(groups, Assert.NotNull);
        Assert.Equal(groups.Count, groups.Distinct().Count());
    }

    [Fact]
    public void Each_role_may_use_exactly_the_consumer_group_of_its_mapping()
    {
        foreach (var source in KafkaSources())
        {
            var group = ConsumerGroup(source.Properties)!;
            var policies = _template.Walk()
                .Where(entry => entry.Path.StartsWith($"/Resources/{source.Function}/Properties/Policies/", StringComparison.Ordinal))
                .Select(entry => Intrinsic(entry.Node))
                .Where(i => i?.Name == "Sub")
                .Select(i => i!.Value.Argument is YamlSequenceNode s ? Scalar(s.Children[0]) : Scalar(i.Value.Argument))
                .ToList();
            Assert.Contains(policies, arn => arn is not null && arn.Contains(":group/", StringComparison.Ordinal)
                                                && arn.EndsWith("/" + group, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Partial_batch_responses_and_the_functions_flag_follow_one_condition()
    {
        // A function that returns batchItemFailures to a mapping without ReportBatchItemFailures is taken as fully
        // successful, so the flag the functions read must switch together with the mapping's response type.
        foreach (var function in Functions)
        {
            var flag = EnvironmentVariable(function, "REPORT_BATCH_ITEM_FAILURES");
            Assert.NotNull(flag);
            var (condition, whenTrue, whenFalse) = IfArguments(flag);
            Assert.Equal("true", Scalar(whenTrue));
            Assert.Equal("false", Scalar(whenFalse));

            var source = KafkaSources().Single(s => s.Function == function);
            var (responseCondition, responseTypes, otherwise) = IfArguments(Child(source.Properties, "FunctionResponseTypes")!);
            Assert.Equal(condition, responseCondition);
            Assert.Equal(["ReportBatchItemFailures"], ((YamlSequenceNode)responseTypes).Children.Select(Scalar));
            Assert.Equal(("Ref", "AWS::NoValue"), Intrinsic(otherwise) is { } i ? (i.Name, Scalar(i.Argument)) : default);

            // The other error handling controls exist only in provisioned mode, under the same condition.
            foreach (var control in new[] { "ProvisionedPollerConfig", "MaximumRetryAttempts", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds" })
            {
                Assert.Equal(condition, IfArguments(Child(source.Properties, control)!).Condition);
            }
        }
    }

    [Fact]
    public void Every_parameter_without_a_default_is_documented_in_the_README()
    {
        var readme = Path.Combine(Fixtures.RepoRoot, "README.md");
        Assert.True(File.Exists(readme), "README.md is missing");
        var documented = InlineCode().Matches(File.ReadAllText(readme)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var required = _template.Parameters.Children
            .Where(entry => Child((YamlMappingNode)entry.Value, "Default") is null)
            .Select(entry => Scalar(entry.Key)!)
            .ToList();
        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.Contains(name, documented));
    }

    private sealed record KafkaSource(string Id, string Function, string StreamProperty, YamlMappingNode Properties);

    /// <summary>SAM MSK events and plain event source mappings alike.</summary>
    private IEnumerable<KafkaSource> KafkaSources()
    {
        foreach (var function in _template.ResourcesOfType("AWS::Serverless::Function"))
        {
            if (Child(_template.Properties(function), "Events") is YamlMappingNode events)
            {
                foreach (var (name, value) in events.Children)
                {
                    var e = (YamlMappingNode)value;
                    if (Scalar(Child(e, "Type")) is "MSK" or "SelfManagedKafka")
                    {
                        yield return new KafkaSource($"{function}.{Scalar(name)}", function, "Stream",
                            (YamlMappingNode)Child(e, "Properties")!);
                    }
                }
            }
        }
        foreach (var mapping in _template.ResourcesOfType("AWS::Lambda::EventSourceMapping"))
        {
            var properties = _template.Properties(mapping);
            var target = Intrinsic(Child(properties, "FunctionName")!);
            Assert.Equal("Ref", target?.Name);
            yield return new KafkaSource(mapping, Scalar(target!.Value.Argument)!, "EventSourceArn", properties);
        }
    }

    /// <summary>A function's environment variable; SAM merges Globals.Function.Environment under the function's own.</summary>
    private YamlNode? EnvironmentVariable(string function, string name)
    {
        static YamlNode? Lookup(YamlMappingNode? owner, string name) =>
            Child(Child(Child(owner, "Environment") as YamlMappingNode, "Variables") as YamlMappingNode, name);

        return Lookup(_template.Properties(function), name) ?? Lookup(Child(_template.Globals, "Function") as YamlMappingNode, name);
    }

    /// <summary>The consumer group as written: on a plain mapping under AmazonManagedKafkaEventSourceConfig, on a
    /// SAM MSK event directly. A !Sub comes back as its template string.</summary>
    private static string? ConsumerGroup(YamlMappingNode properties)
    {
        var node = Child(Child(properties, "AmazonManagedKafkaEventSourceConfig") as YamlMappingNode, "ConsumerGroupId")
                   ?? Child(properties, "ConsumerGroupId");
        return node is null ? null : Intrinsic(node) is { Name: "Sub" } sub ? Scalar(sub.Argument) : Scalar(node);
    }

    private static (string Condition, YamlNode WhenTrue, YamlNode WhenFalse) IfArguments(YamlNode node)
    {
        var intrinsic = Intrinsic(node);
        Assert.Equal("If", intrinsic?.Name);
        var arguments = (YamlSequenceNode)intrinsic!.Value.Argument;
        Assert.Equal(3, arguments.Children.Count);
        return (Scalar(arguments.Children[0])!, arguments.Children[1], arguments.Children[2]);
    }

    [GeneratedRegex("`([A-Za-z0-9]+)`")]
    private static partial Regex InlineCode();
}
