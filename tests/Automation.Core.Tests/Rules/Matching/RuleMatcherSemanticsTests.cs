using Automation.Core.Logs;
using Automation.Core.Rules.Conditions;
using Automation.Core.Rules.Matching;
using static Automation.Core.Tests.Rules.Matching.TestRules;

namespace Automation.Core.Tests.Rules.Matching;

public sealed class RuleMatcherSemanticsTests
{
    private static readonly LogRecord App = Json("""
        {"msg":"upstream failed: Connection refused","level":"ERROR","status":503,"code":"504","ratio":"1.5e1",
         "word":"abc","flag":true,"empty":"","gone":null,"ns":"payments",
         "user":{"name":"Zoë","roles":["admin","ops"]},"kubernetes":{"namespace_name":"checkout"}}
        """);

    /// <summary>
    /// Evaluates one condition on one record both ways (IsMatch, and Match through the prefilter) and insists they
    /// agree, so every semantic test also checks that the prefilter keeps the match.
    /// </summary>
    private static bool Matches(Condition condition, LogRecord record)
    {
        var matcher = RuleMatcher.Compile(Set(condition));
        var direct = matcher.IsMatch(0, record);
        var matches = new BatchMatches(1);
        matcher.Match([record], matches);
        Assert.Equal(direct, matches.RecordsOf(0).Count == 1);
        return direct;
    }

    [Theory]
    [InlineData("Connection refused", false, true)]
    [InlineData("connection refused", false, false)]
    [InlineData("connection REFUSED", true, true)]
    [InlineData("timeout", true, false)]
    public void Contains_tests_the_message(string value, bool ignoreCase, bool expected) =>
        Assert.Equal(expected, Matches(Contains(value, ignoreCase: ignoreCase), App));

    [Fact]
    public void Contains_is_true_when_any_value_occurs()
    {
        Assert.True(Matches(ContainsAny("nothing here", "refused"), App));
        Assert.False(Matches(ContainsAny("nothing here", "nor here"), App));
    }

    [Fact]
    public void Ignore_case_finds_a_literal_written_in_another_case()
    {
        var record = Text("JAVA.LANG.OUTOFMEMORYERROR: Java heap space");
        Assert.True(Matches(Contains("java.lang.OutOfMemoryError", ignoreCase: true), record));
        Assert.False(Matches(Contains("java.lang.OutOfMemoryError"), record));
        Assert.True(Matches(Regex(@"java\.lang\.outofmemoryerror", ignoreCase: true), record));
        Assert.True(Matches(StartsWith("java.LANG", ignoreCase: true), record));
        Assert.True(Matches(Contains("Ünïcödé", ignoreCase: true), Text("prefix ÜNÏCÖDÉ suffix")));
    }

    [Theory]
    [InlineData("upstream", false, true)]
    [InlineData("UPSTREAM", false, false)]
    [InlineData("UPSTREAM", true, true)]
    [InlineData("failed", false, false)]
    public void Starts_with_tests_the_start(string value, bool ignoreCase, bool expected) =>
        Assert.Equal(expected, Matches(StartsWith(value, ignoreCase: ignoreCase), App));

    [Theory]
    [InlineData("ns", "payments", false, true)]
    [InlineData("ns", "Payments", false, false)]
    [InlineData("ns", "Payments", true, true)]
    [InlineData("ns", "pay", false, false)]
    [InlineData("status", "503", false, true)]
    [InlineData("code", "504", false, true)]
    [InlineData("flag", "true", false, true)]
    [InlineData("empty", "", false, true)]
    [InlineData("user.name", "ZOË", true, true)]
    [InlineData("user.roles[1]", "ops", false, true)]
    [InlineData("kubernetes.namespace_name", "checkout", false, true)]
    [InlineData("level", "error", false, true)]
    [InlineData("level", "ERROR", false, false)]
    [InlineData("message", "upstream failed: Connection refused", false, true)]
    [InlineData(null, "upstream failed: connection refused", true, true)]
    [InlineData(null, "upstream failed", false, false)]
    public void Equals_compares_the_whole_value(string? field, string value, bool ignoreCase, bool expected) =>
        Assert.Equal(expected, Matches(EqualTo(value, field, ignoreCase), App));

    [Theory]
    [InlineData(false, true, "checkout", "payments")]
    [InlineData(false, false, "Checkout", "payments")]
    [InlineData(true, true, "Checkout", "payments")]
    [InlineData(false, true, "a", "b", "c", "d", "e", "checkout")] // a long list: read once, set lookup
    [InlineData(false, false, "a", "b", "c", "d", "e", "CHECKOUT")]
    [InlineData(true, true, "a", "b", "c", "d", "e", "CHECKOUT")]
    public void In_tests_membership(bool ignoreCase, bool expected, params string[] values) =>
        Assert.Equal(expected, Matches(In("kubernetes.namespace_name", ignoreCase, values), App));

    [Fact]
    public void In_on_the_message_and_level()
    {
        Assert.True(Matches(In(null, false, "x", "upstream failed: Connection refused"), App));
        Assert.True(Matches(In("level", false, "warn", "error"), App));
        Assert.False(Matches(In("level", false, "warn", "fatal"), App));
    }

    [Theory]
    [InlineData(@"failed: \w+ refused", false, true)]
    [InlineData(@"FAILED: \w+ REFUSED", false, false)]
    [InlineData(@"FAILED: \w+ REFUSED", true, true)]
    [InlineData(@"^upstream (failed|broke)", false, true)]
    [InlineData(@"^failed", false, false)]
    public void Regex_matches_the_message(string pattern, bool ignoreCase, bool expected) =>
        Assert.Equal(expected, Matches(Regex(pattern, ignoreCase: ignoreCase), App));

    [Fact]
    public void Regex_matches_fields_and_json_text()
    {
        Assert.True(Matches(Regex(@"^5\d\d$", "status"), App));
        Assert.True(Matches(Regex(@"^pay", "kubernetes.namespace_name", ignoreCase: true), Json("""{"msg":"m","kubernetes":{"namespace_name":"PAYMENTS"}}""")));
        Assert.True(Matches(Regex("\"ops\"", "user.roles"), App)); // an array reads as its JSON text
        Assert.False(Matches(Regex(".*", "missing"), App));
    }

    [Theory]
    [InlineData("ns", true, true)]
    [InlineData("ns", false, false)]
    [InlineData("empty", true, true)]
    [InlineData("gone", true, false)] // JSON null does not exist
    [InlineData("gone", false, true)]
    [InlineData("missing", true, false)]
    [InlineData("missing", false, true)]
    [InlineData("user.roles[5]", false, true)]
    [InlineData("level", true, true)]
    [InlineData("message", true, true)]
    [InlineData(null, false, false)]
    public void Exists_tests_presence(string? field, bool exists, bool expected) =>
        Assert.Equal(expected, Matches(Exists(field, exists), App));

    [Fact]
    public void A_record_without_a_level_has_no_level()
    {
        Assert.True(Matches(Exists("level", false), Text("plain line")));
        Assert.False(Matches(EqualTo("error", "level"), Text("plain line")));
    }

    [Theory]
    [InlineData("status", ComparisonOperator.GreaterThanOrEqual, 500, true)]
    [InlineData("status", ComparisonOperator.GreaterThan, 503, false)]
    [InlineData("status", ComparisonOperator.GreaterThanOrEqual, 503, true)]
    [InlineData("status", ComparisonOperator.LessThan, 503, false)]
    [InlineData("status", ComparisonOperator.LessThanOrEqual, 503, true)]
    [InlineData("code", ComparisonOperator.GreaterThan, 500, true)] // a numeric string
    [InlineData("ratio", ComparisonOperator.GreaterThan, 14.9, true)] // exponent notation
    [InlineData("ratio", ComparisonOperator.LessThan, 15, false)]
    [InlineData("word", ComparisonOperator.GreaterThan, -1e300, false)] // not a number
    [InlineData("word", ComparisonOperator.LessThan, 1e300, false)]
    [InlineData("flag", ComparisonOperator.GreaterThan, -1, false)]
    [InlineData("empty", ComparisonOperator.LessThan, 1, false)]
    [InlineData("gone", ComparisonOperator.LessThan, 1, false)]
    [InlineData("missing", ComparisonOperator.GreaterThan, -1, false)]
    [InlineData("user", ComparisonOperator.GreaterThan, -1, false)] // an object
    public void Numeric_comparisons(string field, ComparisonOperator op, double value, bool expected) =>
        Assert.Equal(expected, Matches(Compare(field, op, value), App));

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    [InlineData("0x1F")]
    [InlineData("1,000")]
    [InlineData("12abc")]
    public void Values_that_are_not_finite_numbers_fail_every_comparison(string text)
    {
        var record = Json($$"""{"msg":"m","v":"{{text}}"}""");
        foreach (var op in Enum.GetValues<ComparisonOperator>())
        {
            Assert.False(Matches(Compare("v", op, 0), record));
        }
    }

    [Fact]
    public void The_message_as_a_number()
    {
        Assert.True(Matches(Compare(null, ComparisonOperator.GreaterThan, 41), Text(" 42 ")));
        Assert.False(Matches(Compare(null, ComparisonOperator.GreaterThan, 41), Text("42 apples")));
    }

    [Fact]
    public void A_missing_field_fails_every_test_but_exists_false()
    {
        Condition[] tests =
        [
            Contains("x", "missing"), Contains("", "missing"), StartsWith("", "missing"), EqualTo("", "missing"),
            In("missing", false, "a"), In("missing", true, "a"), Regex("", "missing"), Exists("missing"),
            Compare("missing", ComparisonOperator.LessThan, double.MaxValue),
        ];
        foreach (var test in tests)
        {
            Assert.False(Matches(test, App), test.ToString());
            Assert.True(Matches(Not(test), App), test.ToString());
        }
        Assert.True(Matches(Exists("missing", false), App));
    }

    [Fact]
    public void Message_and_level_paths_read_the_parsed_record()
    {
        // The raw JSON says "ERROR"; the record's level is normalised.
        Assert.True(Matches(EqualTo("error", "level"), App));
        Assert.True(Matches(Contains("Connection", "message"), App));
        Assert.False(Matches(Contains("Connection", "msg"), Json("""{"message":"Connection lost"}"""))); // no msg field there
    }

    [Fact]
    public void Nested_all_any_not()
    {
        var oom = All(
            In("kubernetes.namespace_name", false, "payments", "checkout"),
            Any(Contains("java.lang.OutOfMemoryError"), Regex(@"Killed process \d+ \(java\)")),
            Not(Contains("dry run")));
        Assert.True(Matches(oom, Json("""{"msg":"Killed process 42 (java) total-vm","kubernetes":{"namespace_name":"checkout"}}""")));
        Assert.True(Matches(oom, Json("""{"msg":"java.lang.OutOfMemoryError","kubernetes":{"namespace_name":"payments"}}""")));
        Assert.False(Matches(oom, Json("""{"msg":"java.lang.OutOfMemoryError (dry run)","kubernetes":{"namespace_name":"payments"}}""")));
        Assert.False(Matches(oom, Json("""{"msg":"java.lang.OutOfMemoryError","kubernetes":{"namespace_name":"finance"}}""")));
        Assert.False(Matches(oom, Json("""{"msg":"Killed process x (java)","kubernetes":{"namespace_name":"checkout"}}""")));
        Assert.True(Matches(Not(Any(Not(Contains("refused")), Contains("nothing"))), App));
        Assert.True(Matches(All(), App));
        Assert.False(Matches(Any(), App));
    }

    [Fact]
    public void Not_over_a_literal_is_evaluated_on_records_without_the_literal()
    {
        var matcher = RuleMatcher.Compile(Set(Not(Contains("healthz")), All(Not(Contains("healthz")), Contains("GET"))));
        Assert.Null(matcher.RequiredLiteralsOf(0));
        Assert.Equal(["GET"], matcher.RequiredLiteralsOf(1));
        var records = new[] { Text("GET /healthz"), Text("GET /orders"), Text("POST /orders") };
        var matches = new BatchMatches(2);
        matcher.Match(records, matches);
        Assert.Equal([1, 2], matches.RecordsOf(0));
        Assert.Equal([1], matches.RecordsOf(1));
    }

    [Fact]
    public void Match_replaces_earlier_results_and_keeps_record_order()
    {
        var matcher = RuleMatcher.Compile(Set(Contains("error"), EqualTo("warn", "level")));
        var matches = new BatchMatches(2);
        matcher.Match([Text("an error"), Text("fine"), Text("error again", "warn")], matches);
        Assert.Equal([0, 2], matches.RecordsOf(0));
        Assert.Equal([2], matches.RecordsOf(1));
        matcher.Match([Text("fine"), Text("error")], matches);
        Assert.Equal([1], matches.RecordsOf(0));
        Assert.Empty(matches.RecordsOf(1));
        Assert.Equal(1, matches.Total);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(12)]
    [InlineData(RuleMatcher.DefaultPackChars)]
    public void Literals_never_match_across_two_messages(int packChars)
    {
        var matcher = RuleMatcher.Compile(Set(Contains("connection"), Contains("\0sep")), packChars);
        LogRecord[] records = [Text("xxcon"), Text("nectionyy"), Text("a\0"), Text("sep"), Text("\0\0 connection"), Text("")];
        var matches = new BatchMatches(2);
        matcher.Match(records, matches);
        Assert.Equal([4], matches.RecordsOf(0));
        Assert.Empty(matches.RecordsOf(1));
    }

    [Fact]
    public void Matching_allocates_nothing_per_record_on_the_message_path()
    {
        var matcher = RuleMatcher.Compile(Set(
            Contains("java.lang.OutOfMemoryError"), Regex(@"Killed process \d+"), StartsWith("panic: "),
            All(In("kubernetes.namespace_name", false, "payments"), Contains("declined", ignoreCase: true)), EqualTo("fatal", "level")));
        var records = Enumerable.Range(0, 5000)
            .Select(i => i % 50 == 0 ? Json("{\"msg\":\"payment DECLINED " + i + "\",\"level\":\"error\",\"kubernetes\":{\"namespace_name\":\"payments\"}}")
                : Text($"GET /api/v1/orders/{i} 200 in {i % 97} ms", "info"))
            .ToList();
        var matches = new BatchMatches(matcher.RuleCount);
        matcher.Match(records, matches); // warm up: the match lists reach their size

        var before = GC.GetAllocatedBytesForCurrentThread();
        matcher.Match(records, matches);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100, matches.RecordsOf(3).Count);
        Assert.InRange(allocated, 0, 1024); // the batch's scratch only, nothing per record
    }

    [Fact]
    public void Matches_for_another_rule_count_are_refused()
    {
        var matcher = RuleMatcher.Compile(Set(Contains("x")));
        Assert.Throws<ArgumentException>(() => matcher.Match([], new BatchMatches(2)));
    }

    [Theory]
    [InlineData("(unclosed")]
    [InlineData("(?=lookahead)x")] // not supported without backtracking
    [InlineData(@"(a)\1")]
    public void A_regex_that_cannot_be_compiled_names_the_rule(string pattern)
    {
        var rules = new Automation.Core.Rules.RuleSet("rules.yaml", [Rule("bad-one", All(Contains("ok"), Regex(pattern)))]);
        var error = Assert.Throws<ArgumentException>(() => RuleMatcher.Compile(rules));
        Assert.Contains("bad-one", error.Message, StringComparison.Ordinal);
        Assert.Contains("rules.yaml:1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_content_neither_throws_nor_hangs()
    {
        var matcher = RuleMatcher.Compile(Set(
            Regex("(a+)+$"), Regex("(x|x)*y", ignoreCase: true), Contains("\uD800"), Compare(null, ComparisonOperator.GreaterThan, 0),
            StartsWith("\uDFFF", ignoreCase: true), Regex(@"\p{Ll}{5}", "user")));
        string[] messages =
        [
            new string('a', 200_000) + "!", new string('x', 100_000), "\uD800\uD800\uDFFF broken surrogates \uDFFF",
            "\0\u001b[31m", new string('9', 5000), "", "   ", "12",
        ];
        var records = messages.Select(message => Text(message)).Append(App).ToList();
        var matches = new BatchMatches(matcher.RuleCount);
        matcher.Match(records, matches);
        Assert.Empty(matches.RecordsOf(0));
        Assert.Empty(matches.RecordsOf(1));
        Assert.Equal([2], matches.RecordsOf(2));
        Assert.Equal([7], matches.RecordsOf(3)); // 5,000 nines overflow to infinity: not a number
        Assert.Empty(matches.RecordsOf(4));
        Assert.Equal([8], matches.RecordsOf(5));
    }
}
