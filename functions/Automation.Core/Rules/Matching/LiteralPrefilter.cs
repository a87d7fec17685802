using System.Buffers;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// One vectorised pass over a message finds whether it holds any rule's required literal. The search ignores case,
/// so one pass serves rules with and without <c>ignore_case</c>; the rules' own conditions confirm exact case later.
/// Only when the pass hits (rare: most log lines match nothing) are the literals checked one by one, from the first
/// hit on, to learn which rules are candidates.
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
    }

    public IReadOnlyList<string> Literals => _literals;

    public bool IsEmpty => _literals.Length == 0;

    /// <summary>
    /// Marks in <paramref name="isCandidate"/> and appends to <paramref name="candidates"/> every rule one of whose
    /// literals occurs in <paramref name="message"/>; returns how many it appended.
    /// </summary>
    public int FindCandidates(ReadOnlySpan<char> message, bool[] isCandidate, int[] candidates)
    {
        var first = message.IndexOfAny(_any);
        if (first < 0)
        {
            return 0;
        }
        // No literal starts before the first hit, so the rest of the message is all there is to check.
        var rest = message[first..];
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
