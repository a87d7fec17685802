using Automation.Core.Logs;
using Automation.Core.Rules.Conditions;
using Automation.Core.Rules.Matching;
using static Automation.Core.Tests.Rules.Matching.TestRules;

namespace Automation.Core.Tests.Rules.Matching;

public sealed class LiteralRequirementsTests
{
    public static TheoryData<Condition, string[]?> Cases => new()
    {
        { Contains("OutOfMemoryError"), ["OutOfMemoryError"] },
        { ContainsAny("refused", "timeout"), ["refused", "timeout"] },
        { ContainsAny("refused", "ab"), null }, // too short to search for: the rule runs on every record
        { Contains("refused", ignoreCase: true), ["refused"] },
        { Contains("refused", "message"), ["refused"] },
        { Contains("refused", "msg"), null }, // another field says nothing about the message
        { Contains("error", "level"), null },
        { StartsWith("panic:"), ["panic:"] },
        { EqualTo("exactly this"), ["exactly this"] },
        { In(null, false, "one thing", "another"), ["one thing", "another"] },
        { Regex(@"Killed process \d+"), ["Killed process "] },
        { Regex(@"\d+"), null },
        { Exists(null), null },
        { Compare(null, ComparisonOperator.GreaterThan, 1), null },
        { Not(Contains("healthz")), null },
        { All(In("kubernetes.namespace_name", false, "payments"), Any(Contains("java.lang.OutOfMemoryError"), Regex(@"Killed process \d+"))),
            ["java.lang.OutOfMemoryError", "Killed process "] },
        { All(Contains("abc"), Contains("longer literal")), ["longer literal"] },
        { All(Not(Contains("healthz")), Contains("GET /api")), ["GET /api"] },
        { Any(Contains("error"), Exists("status")), null },
        { Any(Contains("error"), Contains("ERROR"), Contains("fatal")), ["error", "fatal"] }, // de-duplicated ignoring case
        { Any(), null },
        { All(), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_condition_requires_these_literals(Condition condition, string[]? expected)
    {
        var matcher = RuleMatcher.Compile(Set(condition));
        Assert.Equal(expected, matcher.RequiredLiteralsOf(0));
    }

    [Fact]
    public void The_prefilter_shares_literals_between_rules_ignoring_case()
    {
        var matcher = RuleMatcher.Compile(Set(Contains("Error"), Contains("error", ignoreCase: true), Contains("ERROR"), Contains("panic")));
        Assert.Equal(["Error", "panic"], matcher.PrefilterLiterals);
        var matches = new BatchMatches(4);
        matcher.Match([Text("an error"), Text("an Error"), Text("ERROR: panic")], matches);
        Assert.Equal([1], matches.RecordsOf(0));
        Assert.Equal([0, 1, 2], matches.RecordsOf(1));
        Assert.Equal([2], matches.RecordsOf(2));
        Assert.Equal([2], matches.RecordsOf(3));
    }

    [Theory]
    [InlineData("abc", 0)] // shorter than an anchor: the literal itself
    [InlineData("aaaaaaa#bbbb", 7)] // a rare symbol and rare letters beat common letters
    [InlineData("ééééé éé abcde", 9)] // ASCII windows only (Teddy needs ASCII)
    public void Anchors_start_where_the_literal_is_rarest(string literal, int expected)
    {
        var offset = LiteralPrefilter.AnchorOffset(literal);
        Assert.Equal(expected, offset);
        Assert.True(System.Text.Ascii.IsValid(literal.AsSpan(offset, Math.Min(LiteralPrefilter.AnchorLength, literal.Length))));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(RuleMatcher.DefaultPackChars)]
    public void Every_anchor_hit_is_checked_not_only_the_first(int packChars)
    {
        var matcher = RuleMatcher.Compile(Set(Contains("java.lang.OutOfMemoryError"), Contains("OutOfMemoryError: Metaspace")), packChars);
        LogRecord[] records =
        [
            Text("OfMemoryError"), // the anchor without room for the literal before it
            Text("java.lang.Out java.lang.OutOfMemory OutOfMemoryError java.lang.OutOfMemoryError"),
            Text("OUTOFMEMORYERROR: METASPACE and OutOfMemoryError: Metaspace"),
        ];
        var matches = new BatchMatches(2);
        matcher.Match(records, matches);
        Assert.Equal([1], matches.RecordsOf(0));
        Assert.Equal([2], matches.RecordsOf(1));
    }
}
