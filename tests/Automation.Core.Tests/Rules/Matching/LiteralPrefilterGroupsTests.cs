using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Matching;
using static Automation.Core.Tests.Rules.Matching.TestRules;

namespace Automation.Core.Tests.Rules.Matching;

/// <summary>
/// Many literals: the prefilter splits its anchors into several searches whose hits are merged; a match must never be
/// lost, whichever group finds it, however hits of different groups interleave or coincide, and wherever the packing
/// buffer is cut.
/// </summary>
public sealed class LiteralPrefilterGroupsTests
{
    private static readonly string[] Literals =
    [
        .. Enumerable.Range(0, 60).Select(i => $"{(char)('a' + i % 26)}{(char)('z' - i % 26)}-{i}#q{i % 7}"),
        "timed out", "timeout", "out of memory", "memory", "OOMKilled", "Killed", "kill -9",
    ];

    [Fact]
    public void Many_literals_are_searched_in_several_groups()
    {
        var prefilter = new LiteralPrefilter([.. Literals.Select(literal => new[] { literal })]);

        Assert.True(prefilter.GroupCount >= 4, $"groups: {prefilter.GroupCount}");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 9)]
    [InlineData(3, 64)]
    [InlineData(4, 257)]
    [InlineData(5, RuleMatcher.DefaultPackChars)]
    public void Match_finds_every_literal_of_every_group(int seed, int packChars)
    {
        var random = new Random(seed);
        var rules = new RuleSet("rules.yaml",
        [
            .. Literals.Select((literal, i) => Rule($"r{i}", Contains(literal, ignoreCase: i % 3 == 0))),
            Rule("pair", ContainsAny(Literals[5], Literals[50])),
        ]);
        var records = Enumerable.Range(0, 400).Select(_ => Text(RandomMessage(random))).ToList();
        var matcher = RuleMatcher.Compile(rules, packChars);
        var matches = new BatchMatches(rules.Rules.Count);

        matcher.Match(records, matches);

        var total = 0;
        for (var rule = 0; rule < rules.Rules.Count; rule++)
        {
            var expected = Enumerable.Range(0, records.Count).Where(r => matcher.IsMatch(rule, records[r])).ToList();
            Assert.Equal(expected, matches.RecordsOf(rule));
            total += expected.Count;
        }
        Assert.True(total > 100, $"too few matches to prove anything: {total}");
    }

    private static string RandomMessage(Random random)
    {
        var parts = new List<string>();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var literal = Literals[random.Next(Literals.Length)];
            parts.Add(random.Next(4) switch
            {
                0 => literal.ToUpperInvariant(),
                1 => literal[..Math.Max(1, literal.Length - 1)], // a near miss
                _ => literal,
            });
            parts.Add(random.Next(3) == 0 ? "" : " ");
        }
        return string.Concat(parts);
    }
}
