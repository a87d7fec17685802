using System.Buffers;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// Finds which rules' required literals occur in a message, with one vectorised search
/// (<see cref="SearchValues{T}"/> of strings, Teddy) that ignores case, so it serves rules with and without
/// <c>ignore_case</c>; the rules' own conditions confirm exact case later.
/// <para>The search runs on an <em>anchor</em> per literal, not the literal: a short piece of it whose first three
/// characters (the part Teddy fingerprints) are rare in log text, so ordinary lines raise few false alarms. Every
/// occurrence of a literal contains its anchor, so every anchor hit is checked against the literals it stands for;
/// a literal found marks its rules as candidates.</para>
/// </summary>
internal sealed class LiteralPrefilter
{
    /// <summary>Anchor length: long enough to be rare, short enough that Teddy's checks stay cheap (measured: 5).</summary>
    public const int AnchorLength = 5;

    /// <summary>
    /// The anchors, split into groups of at most <see cref="MaxGroupSize"/>, each searched on its own: Teddy puts many
    /// anchors into each of its 8 buckets, whose merged fingerprints then match ordinary text often and every such
    /// false alarm is verified; measured on 50 anchors, 4 groups of 13 scan ~4x faster than one set of 50.
    /// </summary>
    private readonly SearchValues<string>[] _anchorGroups;
    private readonly string[] _literals;
    private readonly int[][] _rulesOfLiteral;

    /// <summary>Per anchor: the anchor, and the literals it stands for with the anchor's offset in each.</summary>
    private readonly (string Anchor, (int Literal, int Offset)[] Literals)[] _anchorTable;

    /// <summary>Anchor indices by the folded first character (modulo the table size): the few to check at a hit.</summary>
    private readonly int[][] _anchorsByFirst;

    /// <param name="requirements">Per rule index: its required literals, or null for none.</param>
    public LiteralPrefilter(IReadOnlyList<string[]?> requirements)
    {
        var index = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        for (var rule = 0; rule < requirements.Count; rule++)
        {
            foreach (var literal in requirements[rule] ?? [])
            {
                if (!index.TryGetValue(literal, out var rules))
                {
                    index[literal] = rules = [];
                    order.Add(literal);
                }
                if (rules.Count == 0 || rules[^1] != rule)
                {
                    rules.Add(rule);
                }
            }
        }
        _literals = [.. order];
        _rulesOfLiteral = [.. order.Select(literal => index[literal].ToArray())];

        var anchors = new Dictionary<string, List<(int, int)>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _literals.Length; i++)
        {
            var offset = AnchorOffset(_literals[i]);
            var anchor = _literals[i].Substring(offset, Math.Min(AnchorLength, _literals[i].Length));
            if (!anchors.TryGetValue(anchor, out var list))
            {
                anchors[anchor] = list = [];
            }
            list.Add((i, offset));
        }
        _anchorTable = [.. anchors.Select(pair => (pair.Key, pair.Value.ToArray()))];
        // Sorted, so anchors sharing their first characters (Teddy's fingerprint) share a group.
        var sorted = _anchorTable.Select(entry => entry.Anchor).OrderBy(anchor => anchor.ToUpperInvariant(), StringComparer.Ordinal).ToArray();
        var groupCount = Math.Max(1, (sorted.Length + MaxGroupSize - 1) / MaxGroupSize);
        var groupSize = Math.Max(1, (sorted.Length + groupCount - 1) / groupCount);
        _anchorGroups = [.. sorted.Chunk(groupSize).Select(group => SearchValues.Create(group, StringComparison.OrdinalIgnoreCase))];
        _anchorsByFirst = new int[FirstCharBuckets][];
        for (var b = 0; b < FirstCharBuckets; b++)
        {
            _anchorsByFirst[b] = [.. Enumerable.Range(0, _anchorTable.Length).Where(a => Bucket(_anchorTable[a].Anchor[0]) == b)];
        }

        for (var c = '\0'; c < ' '; c++)
        {
            if (!_literals.Any(literal => literal.Contains(c, StringComparison.Ordinal)))
            {
                Separator = c;
                break;
            }
        }
    }

    private const int FirstCharBuckets = 64;

    private static int Bucket(char c) => char.ToUpperInvariant(c) % FirstCharBuckets;

    public IReadOnlyList<string> Literals => _literals;

    public bool IsEmpty => _literals.Length == 0;

    /// <summary>
    /// A character no literal contains (ignoring case), to separate messages packed into one buffer: no literal can
    /// then match across two messages. Null (pack nothing) in the unlikely case every candidate occurs in a literal.
    /// </summary>
    public char? Separator { get; }

    /// <summary>Anchors per search (measured: 16 stays fast, 25 is ~3x slower per character).</summary>
    internal const int MaxGroupSize = 16;

    /// <summary>How many anchor groups there are: the length of the state <see cref="IndexOfAny"/> needs.</summary>
    public int GroupCount => _anchorGroups.Length;

    /// <summary>
    /// Where the first anchor at or after <paramref name="from"/> starts in <paramref name="text"/>, or -1: one
    /// vectorised pass per anchor group, merged. <paramref name="next"/> (<see cref="GroupCount"/> long, filled with -1
    /// for a new text) keeps each group's next hit, so successive calls with a growing <paramref name="from"/> search
    /// every part of the text once per group.
    /// </summary>
    public int IndexOfAny(ReadOnlySpan<char> text, int from, Span<int> next)
    {
        var first = int.MaxValue;
        for (var g = 0; g < _anchorGroups.Length; g++)
        {
            if (next[g] < from)
            {
                var hit = text[from..].IndexOfAny(_anchorGroups[g]);
                next[g] = hit < 0 ? int.MaxValue : from + hit;
            }
            first = Math.Min(first, next[g]);
        }
        return first == int.MaxValue ? -1 : first;
    }

    /// <summary>
    /// Checks the anchors that may start at <paramref name="position"/> of <paramref name="message"/> (an
    /// <see cref="IndexOfAny"/> hit) and the literals they stand for; marks in <paramref name="isCandidate"/> and
    /// appends to <paramref name="candidates"/> the rules of every literal found there.
    /// </summary>
    public void MarkAt(ReadOnlySpan<char> message, int position, bool[] isCandidate, int[] candidates, ref int count)
    {
        var rest = message[position..];
        foreach (var a in _anchorsByFirst[Bucket(rest[0])])
        {
            var (anchor, literals) = _anchorTable[a];
            if (!rest.StartsWith(anchor, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (var (literal, offset) in literals)
            {
                var start = position - offset;
                if (start < 0 || !message[start..].StartsWith(_literals[literal], StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                foreach (var rule in _rulesOfLiteral[literal])
                {
                    if (!isCandidate[rule])
                    {
                        isCandidate[rule] = true;
                        candidates[count++] = rule;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Where the anchor of <paramref name="literal"/> starts: the window whose first three characters are rarest in
    /// log text, preferring windows of ASCII only (Teddy, the fast search, needs every anchor to be ASCII).
    /// </summary>
    internal static int AnchorOffset(string literal)
    {
        if (literal.Length <= AnchorLength)
        {
            return 0;
        }
        var best = 0;
        var bestScore = double.MaxValue;
        for (var start = 0; start + AnchorLength <= literal.Length; start++)
        {
            var window = literal.AsSpan(start, AnchorLength);
            var score = Commonness(window[0]) + Commonness(window[1]) + Commonness(window[2]);
            if (!System.Text.Ascii.IsValid(window))
            {
                score += 1000;
            }
            if (score < bestScore)
            {
                (best, bestScore) = (start, score);
            }
        }
        return best;
    }

    /// <summary>
    /// How common a character is in log lines, roughly (a log of relative frequency): space, lower-frequency
    /// letters by English letter frequency (case does not count: the search ignores it), digits and the punctuation of
    /// timestamps, paths and key=value pairs are common; other symbols are rare.
    /// </summary>
    private static double Commonness(char c)
    {
        const string lettersByFrequency = "etaoinsrhldcumfpgwybvkxjqz";
        var letter = lettersByFrequency.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
        if (letter >= 0)
        {
            return 3.0 - letter * 0.12;
        }
        return c switch
        {
            ' ' => 3.5,
            >= '0' and <= '9' => 2.0,
            '.' or ':' or '"' or ',' or '/' or '-' or '_' or '=' or '[' or ']' => 1.5,
            _ => 0.0,
        };
    }
}
