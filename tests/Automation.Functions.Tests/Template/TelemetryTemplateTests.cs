using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Core.Actions;
using Automation.Core.Telemetry;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.Template;

/// <summary>
/// template.yaml's alarms and dashboard against the metrics the code emits: names from <see cref="MetricNames"/> and
/// the audit's outcome names, not a copy of them; the namespace the functions are told.
/// </summary>
public sealed partial class TelemetryTemplateTests
{
    private static readonly string[] Functions = ["PodRestartFunction", "RollbackFunction", "LogForwarderFunction"];
    private const string TopicArn = "arn:aws:sns:eu-west-1:123456789012:automation-alarms";

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    /// <summary>Every metric and dimension name the code declares.</summary>
    private static readonly IReadOnlySet<string> CodeNames = typeof(MetricNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    private static readonly string[] Dimensions = [MetricNames.Function, MetricNames.Rule, MetricNames.Outcome, MetricNames.ActionType];

    /// <summary>The namespace the functions are told (METRICS_NAMESPACE in Globals), as the Sub text that makes it.</summary>
    private string FunctionsNamespace()
    {
        var variables = (YamlMappingNode)Child((YamlMappingNode)Child((YamlMappingNode)Child(_template.Globals, "Function")!, "Environment")!, "Variables")!;
        var node = Child(variables, MetricsOptions.NamespaceVariable)!;
        Assert.Equal("Sub", Intrinsic(node)?.Name);
        return Scalar(Intrinsic(node)!.Value.Argument)!;
    }

    private IEnumerable<(string Id, YamlMappingNode Properties)> Alarms() =>
        _template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(id => (id, _template.Properties(id)));

    private static Dictionary<string, YamlNode> AlarmDimensions(YamlMappingNode alarm) =>
        ((YamlSequenceNode)Child(alarm, "Dimensions")!).Children.Cast<YamlMappingNode>()
            .ToDictionary(d => Scalar(Child(d, "Name"))!, d => Child(d, "Value")!, StringComparer.Ordinal);

    /// <summary>The alarms on one metric, each with its dimensions.</summary>
    private List<(string Id, YamlMappingNode Properties, Dictionary<string, YamlNode> Dimensions)> AlarmsOn(string metric) =>
        [.. Alarms().Where(a => Scalar(Child(a.Properties, "MetricName")) == metric).Select(a => (a.Id, a.Properties, AlarmDimensions(a.Properties)))];

    [Fact]
    public void Each_function_has_an_errors_and_an_offset_lag_alarm_on_its_own_Lambda_metrics()
    {
        foreach (var metric in new[] { "Errors", "OffsetLag" })
        {
            var alarms = AlarmsOn(metric);
            Assert.Equal(Functions.Order(), alarms.Select(a => Intrinsic(a.Dimensions["FunctionName"]) is ("Ref", var f) ? Scalar(f) : null).Order());
            Assert.All(alarms, a =>
            {
                Assert.Equal("AWS/Lambda", Scalar(Child(a.Properties, "Namespace")));
                Assert.Equal(["FunctionName"], a.Dimensions.Keys);
            });
        }
        // The lag alarm takes its threshold from the parameter, on the maximum (the worst partition's group lag).
        Assert.All(AlarmsOn("OffsetLag"), a =>
        {
            Assert.Equal("Maximum", Scalar(Child(a.Properties, "Statistic")));
            Assert.Equal(("Ref", "OffsetLagAlarmThreshold"), Intrinsic(Child(a.Properties, "Threshold")!) is { } t ? (t.Name, Scalar(t.Argument)) : default);
        });
    }

    [Fact]
    public void The_circuit_and_dead_letter_alarms_watch_what_the_code_emits_in_the_namespace_the_functions_are_told()
    {
        var suppressed = ActionAudit.StatusName(ActionStatus.Suppressed);
        var circuit = AlarmsOn(MetricNames.Actions);
        Assert.Equal(["PodRestartFunction", "RollbackFunction"], circuit.Select(a => Scalar(a.Dimensions[MetricNames.Function])).Order());
        Assert.All(circuit, a =>
        {
            Assert.Equal([MetricNames.Function, MetricNames.Outcome], a.Dimensions.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(suppressed, Scalar(a.Dimensions[MetricNames.Outcome]));
        });

        var deadLetters = Assert.Single(AlarmsOn(MetricNames.DocumentsDeadLettered));
        Assert.Equal("LogForwarderFunction", Scalar(Assert.Single(deadLetters.Dimensions, d => d.Key == MetricNames.Function).Value));

        // Own metrics: the namespace is the very Sub the functions get, and it is a valid one once substituted.
        var expected = FunctionsNamespace();
        foreach (var alarm in circuit.Append(deadLetters))
        {
            var ns = Child(alarm.Properties, "Namespace")!;
            Assert.Equal(("Sub", expected), Intrinsic(ns) is { } i ? (i.Name, Scalar(i.Argument)) : default);
            Assert.Equal("Sum", Scalar(Child(alarm.Properties, "Statistic")));
        }
        var resolved = expected.Replace("${AWS::StackName}", "prod-automation", StringComparison.Ordinal);
        Assert.Equal(resolved, MetricsOptions.FromEnvironment(_ => resolved).Namespace);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(TopicArn, true)]
    public void The_topic_is_wired_to_every_alarm_only_when_it_is_given(string topic, bool wired)
    {
        var instance = new TemplateInstance(_template, new Dictionary<string, string> { ["AlarmTopicArn"] = topic });
        var alarms = Alarms().ToList();
        Assert.True(alarms.Count >= 9, $"only {alarms.Count} alarms");

        foreach (var (id, properties) in alarms)
        {
            var resolved = (YamlMappingNode)instance.Resolve(properties)!;
            foreach (var actions in new[] { "AlarmActions", "OKActions" })
            {
                var list = Child(resolved, actions) as YamlSequenceNode;
                if (wired)
                {
                    Assert.True(list is not null, $"{id}: no {actions}");
                    Assert.Equal([TopicArn], list.Children.Select(Scalar));
                }
                else
                {
                    Assert.True(list is null, $"{id}: {actions} without a topic");
                }
            }
        }
    }

    [Fact]
    public void The_dashboard_is_valid_JSON_once_substituted_and_graphs_only_metrics_the_code_emits()
    {
        var dashboard = Assert.Single(_template.ResourcesOfType("AWS::CloudWatch::Dashboard"));
        var body = Intrinsic(Child(_template.Properties(dashboard), "DashboardBody")!);
        Assert.Equal("Sub", body?.Name);
        var ns = FunctionsNamespace().Replace("${AWS::StackName}", "prod", StringComparison.Ordinal);
        var text = SubVariable().Replace(Scalar(body!.Value.Argument)!, m => m.Groups["name"].Value switch
        {
            "AWS::Region" => "eu-west-1",
            "AWS::StackName" => "prod",
            var name when Functions.Contains(name) => "prod-" + name + "-AbC123",
            var name => throw new InvalidDataException($"the dashboard substitutes {name}, which is not a function or pseudo parameter"),
        });
        using var json = JsonDocument.Parse(text);

        var graphed = new List<(string Namespace, string Metric, string[] Dimensions)>();
        foreach (var widget in json.RootElement.GetProperty("widgets").EnumerateArray())
        {
            var properties = widget.GetProperty("properties");
            Assert.Equal("eu-west-1", properties.GetProperty("region").GetString());
            foreach (var entry in properties.GetProperty("metrics").EnumerateArray())
            {
                graphed.Add(entry.ValueKind == JsonValueKind.Array ? Metric(entry) : Search(entry.GetProperty("expression").GetString()!));
            }
        }

        var lambda = graphed.Where(g => g.Namespace == "AWS/Lambda").ToList();
        var own = graphed.Where(g => g.Namespace == ns).ToList();
        Assert.Equal(graphed.Count, lambda.Count + own.Count);
        Assert.Equal(["Errors", "OffsetLag"], lambda.Select(g => g.Metric).Distinct().Order());
        Assert.All(lambda, g => Assert.Equal(["FunctionName"], g.Dimensions));
        Assert.All(own, g =>
        {
            Assert.Contains(g.Metric, CodeNames);
            Assert.DoesNotContain(g.Metric, Dimensions);
            Assert.All(g.Dimensions, d => Assert.Contains(d, Dimensions));
            Assert.Equal(MetricNames.Function, g.Dimensions[0]);
        });
        var names = own.Select(g => g.Metric).ToHashSet();
        foreach (var required in new[] { MetricNames.RecordsIn, MetricNames.Decisions, MetricNames.Actions, MetricNames.ActionLatency, MetricNames.DocumentsDeadLettered })
        {
            Assert.Contains(required, names);
        }
        // Per-outcome graphs use the dimension sets the code writes: Decisions and Actions by Function and Outcome.
        Assert.Contains(own, g => g.Metric == MetricNames.Decisions && g.Dimensions.SequenceEqual([MetricNames.Function, MetricNames.Outcome]));
        Assert.Contains(own, g => g.Metric == MetricNames.Actions && g.Dimensions.SequenceEqual([MetricNames.Function, MetricNames.Outcome]));
    }

    /// <summary>["namespace", "metric", "dim", "value", ..., {options}?]</summary>
    private static (string, string, string[]) Metric(JsonElement entry)
    {
        var parts = entry.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToArray();
        Assert.True(parts.Length >= 2 && parts.Length % 2 == 0, $"not a metric: {entry}");
        return (parts[0], parts[1], [.. parts.Skip(2).Where((_, i) => i % 2 == 0)]);
    }

    /// <summary>SEARCH('{"namespace",Dim,...} MetricName="X"', 'Stat', period)</summary>
    private static (string, string, string[]) Search(string expression)
    {
        var match = SearchExpression().Match(expression);
        Assert.True(match.Success, $"not a search this test reads: {expression}");
        var schema = match.Groups["schema"].Value.Split(',');
        return (schema[0].Trim('"'), match.Groups["metric"].Value, schema[1..]);
    }

    [GeneratedRegex(@"\$\{(?<name>[^}!]+)\}")]
    private static partial Regex SubVariable();

    [GeneratedRegex("""^SEARCH\('\{(?<schema>[^}]+)\} MetricName="(?<metric>[A-Za-z]+)"', '[A-Za-z0-9]+', \d+\)$""")]
    private static partial Regex SearchExpression();
}
