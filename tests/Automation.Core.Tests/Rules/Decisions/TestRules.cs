using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Conditions;
using Automation.Core.Rules.Templates;

namespace Automation.Core.Tests.Rules.Decisions;

/// <summary>Builds rules and Fluent Bit log records for decision tests, straight from the model.</summary>
internal static class TestRules
{
    private static readonly SourceLocation Here = new("test.yaml", 1, 1);

    public static Rule Rule(string id, Threshold? threshold = null, TimeSpan? cooldown = null, params RuleAction[] actions) =>
        new(id, Description: "test rule " + id, new ContainsCondition(["OutOfMemoryError"], Field: null, IgnoreCase: false, Here), threshold, cooldown, actions, Here);

    public static Threshold Threshold(int count, TimeSpan within, params string[] groupBy) =>
        new(count, within, groupBy.Select(FieldPath.Parse).ToList());

    public static RuleAction Action(string type, params (string Name, string Template)[] parameters) =>
        new(type, parameters.ToDictionary(p => p.Name, p => Template.Parse(p.Template)), Here);

    public static RuleSet Set(params Rule[] rules) => new("test.yaml", rules);

    public static LogRecord Record(string pod, DateTimeOffset time, string app = "payments-api", string ns = "payments", long offset = 0, string log = "java.lang.OutOfMemoryError: Java heap space")
    {
        var value = new JsonObject
        {
            ["@timestamp"] = time.ToUnixTimeMilliseconds() / 1000.0,
            ["log"] = log,
            ["stream"] = "stderr",
            ["kubernetes"] = new JsonObject
            {
                ["pod_name"] = pod,
                ["namespace_name"] = ns,
                ["container_name"] = "api",
                ["labels"] = new JsonObject { ["app"] = app },
            },
        }.ToJsonString();
        var output = new List<LogRecord>();
        new LogRecordParser().Parse(new KafkaRecord("logs", 0, offset, time, "CREATE_TIME", null, Encoding.UTF8.GetBytes(value), []), output);
        return Assert.Single(output);
    }
}
