using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Conditions;
using Automation.Core.Rules.Matching;
using static Automation.Core.Tests.Rules.Matching.TestRules;

namespace Automation.Core.Tests.Rules.Matching;

/// <summary>
/// For seeded random records and rule sets, <see cref="RuleMatcher.Match"/> (prefilter + confirmation) must agree
/// exactly with a naive reference that evaluates every rule on every record straight from the model: the prefilter
/// never drops a match and the compiled evaluation has the documented semantics.
/// </summary>
public sealed class RuleMatcherPropertyTests
{
    private static readonly string[] Words =
    [
        "error", "Error", "ERROR", "timeout", "timed out", "OOMKilled", "OutOfMemoryError", "kill", "\u212Aill", "KILL",
        "café", "CAFÉ", "healthz", "payments", "checkout", "refused", "Connection", "503", "42", "-7.5", "1e3", "GET",
        "POST", "/api/v1", "panic:", "[warn]", "(java)", "x", "",
    ];

    private static readonly string[] Fields = ["status", "ns", "user.name", "tags[0]", "missing", "nothing.here", "obj"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Match_agrees_with_evaluating_every_rule_on_every_record(int seed)
    {
        var random = new Random(seed);
        var records = Enumerable.Range(0, 300).Select(_ => RandomRecord(random)).ToList();
        var rules = new RuleSet("rules.yaml", [.. Enumerable.Range(0, 40).Select(i => Rule($"r{i}", RandomCondition(random, 0)))]);

        // Pack sizes from "every message alone" through chunk boundaries everywhere to the default.
        var packChars = new[] { 2, 7, 64, 301, RuleMatcher.DefaultPackChars }[seed % 5];
        var matcher = RuleMatcher.Compile(rules, packChars);
        var matches = new BatchMatches(rules.Rules.Count);
        matcher.Match(records, matches);

        var total = 0;
        for (var rule = 0; rule < rules.Rules.Count; rule++)
        {
            var expected = Enumerable.Range(0, records.Count).Where(r => Reference(rules.Rules[rule].Match, records[r])).ToList();
            Assert.True(expected.SequenceEqual(matches.RecordsOf(rule)),
                $"rule {rule} ({Describe(rules.Rules[rule].Match)}): expected [{string.Join(",", expected)}], got [{string.Join(",", matches.RecordsOf(rule))}]");
            Assert.All(Enumerable.Range(0, records.Count), r => Assert.Equal(expected.Contains(r), matcher.IsMatch(rule, records[r])));
            total += expected.Count;
        }
        // The corpus must exercise both outcomes, and the prefilter must have had work to do.
        Assert.InRange(total, 1, rules.Rules.Count * records.Count - 1);
        Assert.NotEmpty(matcher.PrefilterLiterals);
    }

    private static LogRecord RandomRecord(Random random)
    {
        var message = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, random.Next(0, random.Next(10) == 0 ? 60 : 7)).Select(_ => Words[random.Next(Words.Length)]));
        if (random.Next(3) == 0)
        {
            return Text(message, random.Next(2) == 0 ? null : "warn");
        }
        var json = new StringBuilder("{");
        json.Append("\"msg\":").Append(JsonSerializer.Serialize(message));
        json.Append(",\"level\":").Append(JsonSerializer.Serialize(random.Next(3) switch { 0 => "ERROR", 1 => "info", _ => "Warning" }));
        string[] statuses = ["503", "\"503\"", "200", "\"abc\"", "null", "true", "4.5e2", "\" 12 \""];
        if (random.Next(4) != 0)
        {
            json.Append(",\"status\":").Append(statuses[random.Next(statuses.Length)]);
        }
        if (random.Next(4) != 0)
        {
            json.Append(",\"ns\":").Append(JsonSerializer.Serialize(Words[random.Next(Words.Length)]));
        }
        if (random.Next(2) == 0)
        {
            json.Append(",\"user\":{\"name\":").Append(JsonSerializer.Serialize(Words[random.Next(Words.Length)])).Append('}');
        }
        if (random.Next(2) == 0)
        {
            json.Append(",\"tags\":[").Append(JsonSerializer.Serialize(Words[random.Next(Words.Length)])).Append(",\"b\"]");
        }
        if (random.Next(4) == 0)
        {
            json.Append(",\"obj\":{\"k\":[1,\"error\"]}");
        }
        return Json(json.Append('}').ToString());
    }

    private static Condition RandomCondition(Random random, int depth)
    {
        var kind = random.Next(depth >= 3 ? 8 : 11);
        if (kind >= 8)
        {
            var children = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomCondition(random, depth + 1)).ToArray();
            return kind switch { 8 => All(children), 9 => Any(children), _ => Not(children[0]) };
        }
        // Mostly the message (where the prefilter works), sometimes level or a field.
        var field = random.Next(10) switch { < 6 => null, 6 => "level", 7 => "message", _ => Fields[random.Next(Fields.Length)] };
        var ignoreCase = random.Next(3) == 0;
        var path = field is null ? null : FieldPath.Parse(field);
        string Word() => Words[random.Next(Words.Length)];
        string[] SomeWords() => [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Word())];
        return kind switch
        {
            0 or 1 => new ContainsCondition(SomeWords(), path, ignoreCase, At),
            2 => new StartsWithCondition(SomeWords(), path, ignoreCase, At),
            3 => new EqualsCondition(Word(), path, ignoreCase, At),
            4 => new InCondition(random.Next(2) == 0 ? SomeWords() : [.. Enumerable.Range(0, 6).Select(_ => Word())], path, ignoreCase, At),
            5 => new RegexCondition(RandomPattern(random), path, ignoreCase, At),
            6 => new ExistsCondition(random.Next(2) == 0, path, At),
            _ => new CompareCondition((ComparisonOperator)random.Next(4), random.Next(-10, 600), path, At),
        };
    }

    private static string RandomPattern(Random random)
    {
        string[] patterns =
        [
            "err(or)?", "ERROR|timeout", @"time(d out|out)", @"\d{3}", "kill", "(?i)kill", @"OOM\w+", @"caf.",
            @"Connection \w+", @"^GET /api", @"\(java\)$", @"OutOfMemoryError|OOMKilled", @"\[warn\]", @"pay(ments)+",
            @"panic: ?\w*", @"[Ee]rror", @"-?\d+(\.\d+)?", "healthz|", "",
        ];
        return patterns[random.Next(patterns.Length)];
    }

    /// <summary>The semantics, written out plainly from the model with no prefilter and no compiled nodes.</summary>
    private static bool Reference(Condition condition, LogRecord record)
    {
        switch (condition)
        {
            case AllCondition all:
                return all.Conditions.All(child => Reference(child, record));
            case AnyCondition any:
                return any.Conditions.Any(child => Reference(child, record));
            case NotCondition not:
                return !Reference(not.Condition, record);
        }
        var test = (FieldCondition)condition;
        var value = test.Field?.Text switch
        {
            null or "message" => record.Message,
            "level" => record.Level,
            var path => record.Fields[path],
        };
        if (value is null)
        {
            return test is ExistsCondition { Exists: false };
        }
        var comparison = test.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        switch (test)
        {
            case ContainsCondition contains:
                return contains.Values.Any(v => value.Contains(v, comparison));
            case StartsWithCondition startsWith:
                return startsWith.Values.Any(v => value.StartsWith(v, comparison));
            case EqualsCondition equals:
                return string.Equals(value, equals.Value, comparison);
            case InCondition @in:
                return @in.Values.Any(v => string.Equals(value, v, comparison));
            case RegexCondition regex:
                // The backtracking engine as an independent reference (the patterns above are all tame).
                return System.Text.RegularExpressions.Regex.IsMatch(value, regex.Pattern,
                    RegexOptions.CultureInvariant | (regex.IgnoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
            case ExistsCondition exists:
                return exists.Exists;
            case CompareCondition compare:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    return false;
                }
                return compare.Operator switch
                {
                    ComparisonOperator.GreaterThan => number > compare.Value,
                    ComparisonOperator.GreaterThanOrEqual => number >= compare.Value,
                    ComparisonOperator.LessThan => number < compare.Value,
                    _ => number <= compare.Value,
                };
            default:
                throw new InvalidOperationException(test.GetType().Name);
        }
    }

    private static string Describe(Condition condition) => condition switch
    {
        AllCondition all => "all(" + string.Join(", ", all.Conditions.Select(Describe)) + ")",
        AnyCondition any => "any(" + string.Join(", ", any.Conditions.Select(Describe)) + ")",
        NotCondition not => "not(" + Describe(not.Condition) + ")",
        _ => condition.ToString(),
    };
}
