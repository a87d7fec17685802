using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Conditions;
using Automation.Core.Tests.Logs;

namespace Automation.Core.Tests.Rules.Matching;

/// <summary>Builds rule sets and records straight from the model (the YAML loader is separate).</summary>
internal static class TestRules
{
    public static readonly SourceLocation At = new("rules.yaml", 1, 1);

    private static FieldPath? Path(string? field) => field is null ? null : FieldPath.Parse(field);

    public static ContainsCondition Contains(string value, string? field = null, bool ignoreCase = false) => new([value], Path(field), ignoreCase, At);

    public static ContainsCondition ContainsAny(params string[] values) => new(values, null, false, At);

    public static StartsWithCondition StartsWith(string value, string? field = null, bool ignoreCase = false) => new([value], Path(field), ignoreCase, At);

    public static EqualsCondition EqualTo(string value, string? field = null, bool ignoreCase = false) => new(value, Path(field), ignoreCase, At);

    public static InCondition In(string? field, bool ignoreCase, params string[] values) => new(values, Path(field), ignoreCase, At);

    public static RegexCondition Regex(string pattern, string? field = null, bool ignoreCase = false) => new(pattern, Path(field), ignoreCase, At);

    public static ExistsCondition Exists(string? field, bool exists = true) => new(exists, Path(field), At);

    public static CompareCondition Compare(string? field, ComparisonOperator op, double value) => new(op, value, Path(field), At);

    public static AllCondition All(params Condition[] conditions) => new(conditions, At);

    public static AnyCondition Any(params Condition[] conditions) => new(conditions, At);

    public static NotCondition Not(Condition condition) => new(condition, At);

    public static Rule Rule(string id, Condition match) => new(id, null, match, null, null, [], At);

    /// <summary>A rule set with one rule per condition, ids r0, r1, …</summary>
    public static RuleSet Set(params Condition[] conditions) =>
        new("rules.yaml", [.. conditions.Select((condition, i) => Rule($"r{i}", condition))]);

    /// <summary>A plain-text record as the parser makes it.</summary>
    public static LogRecord Text(string message, string? level = null) =>
        new(new KafkaCoordinates("logs", 0, 1), DateTimeOffset.UnixEpoch, LogTimestampSource.Unknown, message, level, null, null,
            LogFields.Empty, LogFormat.Text);

    /// <summary>A record parsed from a JSON value, with its fields.</summary>
    public static LogRecord Json(string json) => LogTestRecords.ParseOne(json);
}
