using System.Text;
using System.Text.RegularExpressions;
using Automation.Core.Rules.Matching;

namespace Automation.Core.Tests.Rules.Matching;

public sealed class RegexLiteralsTests
{
    [Theory]
    [InlineData(@"Killed process \d+ \(java\)", "Killed process ")]
    [InlineData(@"java\.lang\.OutOfMemoryError", "java.lang.OutOfMemoryError")]
    [InlineData(@"^ERROR\b", "ERROR")]
    [InlineData("foo|barbaz", "foo", "barbaz")]
    [InlineData("(?:connection refused|timed out) after", "connection refused", "timed out")]
    [InlineData("colou?r scheme", "r scheme")] // the optional u splits the run and is dropped
    [InlineData("ab*cdef", "cdef")]
    [InlineData("err(or)?: disk full", ": disk full")] // an optional group requires nothing
    [InlineData("x+yzw", "yzw")]
    [InlineData("abc{2}de", "abc")] // a repeated character ends the run (ab, then c at least twice)
    [InlineData(@"[Ee]rror: (\w+) failed", " failed")]
    [InlineData(@"\p{Lu}pper", "pper")]
    [InlineData(@"\x41BCD", "BCD")]
    [InlineData(@"tab\there", "here")]
    [InlineData("(foo)*barx", "barx")]
    [InlineData("(?<name>abc|def)ghi", "ghi")] // same length: the single literal is more selective
    [InlineData("(abcd|efgh)+ij", "abcd", "efgh")]
    [InlineData("abc{def", "abc")] // a brace that is no quantifier is a literal, but the run ends there
    [InlineData(@"\d{3} errors", " errors")]
    [InlineData(@"a\.b\.c\.d", "a.b.c.d")]
    [InlineData(@"\[error\] \{json\}", "[error] {json}")]
    [InlineData("café au lait", "café au lait")]
    [InlineData("]}literal", "]}literal")]
    [InlineData("(?:(?:deep|deeper)er|nested)", "deep", "deeper", "nested")] // "er" is too short to choose
    [InlineData("abc{1,}def", "abc")]
    public void Required_literals(string pattern, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), (RegexLiterals.Required(pattern, ignoreCase: false) ?? []).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("foo|ba")] // one branch has no literal worth searching for
    [InlineData("abc{0,2}de")]
    [InlineData("(?=foo)bar")] // lookarounds, inline options and comments: unsure
    [InlineData("(?i:foo)bar")]
    [InlineData("(?#comment)foobar")]
    [InlineData("(?>atomic)")]
    [InlineData("[[:alpha:]]+xyz")] // POSIX-like names and subtraction: unsure
    [InlineData("[a-z-[aeiou]]xyz")]
    [InlineData(@"\d+")]
    [InlineData("")]
    [InlineData("(abc")]
    [InlineData("*abc")]
    [InlineData(@"abc\")]
    [InlineData("(unclosed|group")]
    [InlineData("foo)")]
    [InlineData("[abc")]
    [InlineData(@"\pL")]
    [InlineData(@"\k")]
    public void No_required_literal_when_there_is_none_or_when_unsure(string pattern) =>
        Assert.Null(RegexLiterals.Required(pattern, ignoreCase: false));

    [Theory]
    [InlineData("kill me now", "ill me now")] // .NET folds k with the Kelvin sign, the prefilter does not
    [InlineData("Kelvin", "elvin")]
    [InlineData("café au lait", " au lait")] // non-ASCII has folds of its own
    [InlineData("(?i)ERROR", "ERROR")]
    public void Ignore_case_keeps_only_characters_folded_the_same_way(string pattern, string expected)
    {
        var ignoreCase = !pattern.StartsWith("(?i)", StringComparison.Ordinal);
        Assert.Equal([expected], RegexLiterals.Required(pattern, ignoreCase) ?? []);
    }

    [Fact]
    public void Leading_inline_ignore_case_turns_on_ignore_case() =>
        Assert.Equal(["ill"], RegexLiterals.Required("(?i)kill", ignoreCase: false) ?? []);

    [Fact]
    public void Every_ascii_character_taken_under_ignore_case_folds_as_the_prefilter_does()
    {
        // The claim behind Counts(): for each ASCII character but k/K, .NET's ignore-case regex matches exactly the
        // characters that an ordinal ignore-case comparison calls equal.
        for (var c = '\0'; c < 128; c++)
        {
            if (c is 'k' or 'K')
            {
                continue;
            }
            var regex = new Regex(Regex.Escape(c.ToString()), RuleRegexes.Options(ignoreCase: true));
            for (var u = 0; u < 0x10000; u++)
            {
                if (u is >= 0xD800 and <= 0xDFFF)
                {
                    continue;
                }
                var text = ((char)u).ToString();
                Assert.Equal(string.Equals(text, c.ToString(), StringComparison.OrdinalIgnoreCase), regex.IsMatch(text));
            }
        }
    }

    /// <summary>
    /// Generates random patterns together with a string each pattern matches; whenever a literal is extracted, the
    /// matching string must contain one of the literals (ignoring case). This is the prefilter's safety property.
    /// </summary>
    [Fact]
    public void Every_match_contains_a_required_literal()
    {
        var withLiterals = 0;
        for (var seed = 0; seed < 1200; seed++)
        {
            var random = new Random(seed);
            // 0: case-sensitive, 1: the ignore_case option, 2: a leading (?i) in the pattern
            var mode = random.Next(6) switch { 0 => 1, 1 => 2, _ => 0 };
            var (pattern, sample) = new PatternGenerator(random, ignoreCase: mode != 0).Alternation(depth: 0);
            if (mode == 2)
            {
                pattern = "(?i)" + pattern;
            }
            var ignoreCase = mode == 1;
            var regex = RuleRegexes.Create(pattern, ignoreCase);
            Assert.True(regex.IsMatch(sample), $"generator error: /{pattern}/ on '{sample}'");

            var literals = RegexLiterals.Required(pattern, ignoreCase);
            if (literals is null)
            {
                continue;
            }
            withLiterals++;
            Assert.True(literals.Any(literal => sample.Contains(literal, StringComparison.OrdinalIgnoreCase)),
                $"/{pattern}/ (ignore case {ignoreCase}) matched '{sample}' which holds none of [{string.Join(", ", literals)}]");
        }
        Assert.True(withLiterals > 400, $"only {withLiterals} patterns had literals: the generator is too weak");
    }

    /// <summary>A tiny grammar of .NET patterns; each production also yields a string it matches.</summary>
    private sealed class PatternGenerator(Random random, bool ignoreCase)
    {
        private const string Alphabet = "abcdekKxyzAB.-: ()[]{}_#é+*?|\\^$";

        public (string Pattern, string Sample) Alternation(int depth)
        {
            var branches = random.Next(10) < 7 ? 1 : random.Next(2, 4);
            var parts = Enumerable.Range(0, branches).Select(_ => Sequence(depth)).ToList();
            return (string.Join("|", parts.Select(p => p.Pattern)), parts[random.Next(parts.Count)].Sample);
        }

        private (string Pattern, string Sample) Sequence(int depth)
        {
            var pattern = new StringBuilder();
            var sample = new StringBuilder();
            var items = random.Next(1, 9);
            for (var i = 0; i < items; i++)
            {
                var (p, s) = Item(depth);
                pattern.Append(p);
                sample.Append(s);
            }
            return (pattern.ToString(), sample.ToString());
        }

        private (string Pattern, string Sample) Item(int depth)
        {
            var kind = random.Next(20);
            if (kind < 12)
            {
                // A word: mostly plain characters, now and then one quantified.
                var pattern = new StringBuilder();
                var sample = new StringBuilder();
                for (var i = random.Next(1, 7); i > 0; i--)
                {
                    var c = Alphabet[random.Next(Alphabet.Length)];
                    var (p, s) = random.Next(6) == 0
                        ? Quantified(Regex.Escape(c.ToString()), () => Cased(c))
                        : (Regex.Escape(c.ToString()), Cased(c));
                    pattern.Append(p);
                    sample.Append(s);
                }
                return (pattern.ToString(), sample.ToString());
            }
            if (kind < 16)
            {
                (string, Func<string>)[] atoms =
                [
                    ("[a-c]", () => "b"), ("[^x]", () => "q"), (@"\d", () => random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    (@"\w", () => "w"), (@"\s", () => " "), (".", () => "!"), (@"\p{Lu}", () => "Q"), (@"\x41", () => Cased('A')),
                    (@"\u0062", () => Cased('b')), (@"\t", () => "\t"), (@"[\]k]", () => "]"), (@"\.", () => "."),
                ];
                var (p, s) = atoms[random.Next(atoms.Length)];
                return Quantified(p, s);
            }
            if (depth >= 3)
            {
                return ("z", Cased('z'));
            }
            var (inner, innerSample) = Alternation(depth + 1);
            string[] opens = ["(", "(?:", "(?<g>"];
            var open = opens[random.Next(opens.Length)];
            return Quantified(open + inner + ")", () => innerSample);
        }

        /// <summary>Adds a random quantifier and repeats the sample accordingly (fresh samples per repetition).</summary>
        private (string Pattern, string Sample) Quantified(string atom, Func<string> sample)
        {
            (string Suffix, int Min, int Max)[] quantifiers =
            [
                ("", 1, 1), ("", 1, 1), ("", 1, 1), ("", 1, 1), ("?", 0, 1), ("*", 0, 2), ("+", 1, 3), ("{2}", 2, 2),
                ("{0,2}", 0, 2), ("{1,}", 1, 2), ("??", 0, 1), ("+?", 1, 2), ("{0}", 0, 0),
            ];
            var (suffix, min, max) = quantifiers[random.Next(quantifiers.Length)];
            var count = random.Next(min, max + 1);
            var text = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                text.Append(sample());
            }
            return (atom + suffix, text.ToString());
        }

        /// <summary>Under ignore-case, any spelling the regex accepts: other case, and the Kelvin sign for k.</summary>
        private string Cased(char c)
        {
            if (!ignoreCase || random.Next(2) == 0)
            {
                return c.ToString();
            }
            if (c is 'k' or 'K' && random.Next(2) == 0)
            {
                return "\u212A";
            }
            return (char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToString();
        }
    }
}
