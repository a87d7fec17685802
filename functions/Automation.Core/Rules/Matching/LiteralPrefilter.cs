using System.Buffers;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// One vectorised search (<see cref="SearchValues{T}"/> of strings, Teddy) finds whether a message holds any rule's
/// required literal. It ignores case, so one pass serves rules with and without <c>ignore_case</c>; the rules' own
/// conditions confirm exact case later. Only when it hits (rare: most log lines match nothing) are the literals
/// checked one by one, from the first hit on, to learn which rules are candidates.
/// </summary>
internal sealed class LiteralPrefilter
{
    private readonly SearchValues<string> _any;
    private readonly string[] _literals;
    private readonly int[][] _rulesOfLiteral;

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
        _any = SearchValues.Create(_literals, StringComparison.OrdinalIgnoreCase);
        for (var c = '\0'; c < ' '; c++)
        {
            if (!_literals.Any(literal => literal.Contains(c, StringComparison.Ordinal)))
            {
                Separator = c;
                break;
            }
        }
    }

    public IReadOnlyList<string> Literals => _literals;

    public bool IsEmpty => _literals.Length == 0;

    /// <summary>
    /// A character no literal contains (ignoring case), to separate messages packed into one buffer: no literal can
    /// then match across two messages. Null (pack nothing) in the unlikely case every candidate occurs in a literal.
    /// </summary>
    public char? Separator { get; }

    /// <summary>Where the first literal starts in <paramref name="text"/>, or -1: the one vectorised pass.</summary>
    public int IndexOfAny(ReadOnlySpan<char> text) => text.IndexOfAny(_any);

    /// <summary>
    /// Marks in <paramref name="isCandidate"/> and appends to <paramref name="candidates"/> every rule one of whose
    /// literals occurs in <paramref name="rest"/> (a message from its first hit on: no literal starts before it);
    /// returns how many it appended.
    /// </summary>
    public int CandidatesFrom(ReadOnlySpan<char> rest, bool[] isCandidate, int[] candidates)
    {
        var count = 0;
        for (var i = 0; i < _literals.Length; i++)
        {
            if (!rest.Contains(_literals[i], StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (var rule in _rulesOfLiteral[i])
            {
                if (!isCandidate[rule])
                {
                    isCandidate[rule] = true;
                    candidates[count++] = rule;
                }
            }
        }
        return count;
    }
}
