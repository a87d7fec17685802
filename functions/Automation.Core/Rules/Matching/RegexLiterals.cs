using System.Text;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// Finds literals a regular expression cannot match without: every match contains at least one of the returned
/// strings. Conservative by construction: whatever it does not fully understand (inline options other than a leading
/// <c>(?i)</c>, lookarounds, comments, POSIX-like or subtracted character classes, unknown escapes) makes it answer
/// null, "no required literal", which only costs speed (the rule is then evaluated on every record), never a match.
/// <list type="bullet">
/// <item>A run of plain characters, or escaped punctuation like <c>\(</c>, is a literal; an optional quantifier
///   (<c>?</c>, <c>*</c>, <c>{0,n}</c>) removes the character before it, a repeating one (<c>+</c>, <c>{n,}</c>)
///   keeps it but ends the run.</item>
/// <item>Classes, <c>.</c>, anchors and class escapes (<c>\d</c>, <c>\p{L}</c>, …) end a run and add nothing.</item>
/// <item>A sequence requires the most selective of its parts' requirements; an alternation requires the union of its
///   branches' requirements, or nothing when one branch has none; an optional group requires nothing.</item>
/// <item>Under ignore-case only ASCII characters other than k/K count: .NET regex folds K with the Kelvin sign
///   (U+212A) while the ordinal ignore-case prefilter does not, and non-ASCII letters have similar folds.</item>
/// </list>
/// </summary>
internal static class RegexLiterals
{
    /// <summary>Shorter literals would make most records candidates and only slow the prefilter down.</summary>
    public const int MinimumLength = 3;

    /// <summary>The literals of which every match of <paramref name="pattern"/> contains one, or null when unsure.</summary>
    public static string[]? Required(string pattern, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var parser = new Parser(pattern, ignoreCase);
        var result = parser.Parse();
        return result is { Length: > 0 } ? result : null;
    }

    /// <summary>Picks the more selective of two requirements: longer shortest literal first, then fewer literals.</summary>
    public static string[]? MoreSelective(string[]? a, string[]? b)
    {
        if (a is null)
        {
            return b;
        }
        if (b is null)
        {
            return a;
        }
        var (minA, minB) = (a.Min(s => s.Length), b.Min(s => s.Length));
        if (minA != minB)
        {
            return minA > minB ? a : b;
        }
        return a.Length <= b.Length ? a : b;
    }

    /// <summary>Literals any of which may satisfy the requirement, de-duplicated ignoring case (the prefilter's comparison).</summary>
    public static string[] Union(IEnumerable<string[]> sets) =>
        [.. sets.SelectMany(set => set).Distinct(StringComparer.OrdinalIgnoreCase)];

    private sealed class Parser(string pattern, bool ignoreCase)
    {
        private int _pos;
        private bool _unsure;

        public string[]? Parse()
        {
            if (pattern.StartsWith("(?i)", StringComparison.Ordinal))
            {
                ignoreCase = true;
                _pos = 4;
            }
            var result = Alternation();
            return _unsure || _pos != pattern.Length ? null : result;
        }

        private bool AtEnd => _pos >= pattern.Length;

        private string[]? Alternation()
        {
            var branches = new List<string[]?> { Sequence() };
            while (!_unsure && !AtEnd && pattern[_pos] == '|')
            {
                _pos++;
                branches.Add(Sequence());
            }
            if (_unsure || branches.Any(branch => branch is null))
            {
                return null;
            }
            return Union(branches!);
        }

        private string[]? Sequence()
        {
            string[]? best = null;
            var run = new StringBuilder();

            void EndRun()
            {
                if (run.Length >= MinimumLength)
                {
                    best = MoreSelective(best, [run.ToString()]);
                }
                run.Clear();
            }

            while (!_unsure && !AtEnd)
            {
                var c = pattern[_pos];
                switch (c)
                {
                    case '|' or ')':
                        EndRun();
                        return best;
                    case '(':
                        EndRun();
                        var inner = Group();
                        if (!_unsure && Quantifier() != 0)
                        {
                            best = MoreSelective(best, inner);
                        }
                        break;
                    case '[':
                        EndRun();
                        SkipClass();
                        Quantifier();
                        break;
                    case '\\':
                        Escape(run, EndRun);
                        break;
                    case '.' or '^' or '$':
                        EndRun();
                        _pos++;
                        Quantifier();
                        break;
                    case '*' or '+' or '?':
                        // A quantifier with nothing before it to repeat: .NET rejects it; don't guess.
                        _unsure = true;
                        break;
                    case '{':
                        // A literal brace (when not a valid quantifier) or a quantifier on nothing: either way no literal here.
                        EndRun();
                        _pos++;
                        break;
                    default:
                        _pos++;
                        Literal(c, run, EndRun);
                        break;
                }
            }
            EndRun();
            return best;
        }

        /// <summary>A literal character just read: its quantifier decides whether it belongs to the run.</summary>
        private void Literal(char c, StringBuilder run, Action endRun)
        {
            var min = Quantifier();
            if (min == 0 || !Counts(c))
            {
                endRun();
                return;
            }
            run.Append(c);
            if (min > 0)
            {
                endRun(); // repeated: the character occurs, but what follows need not be next to it
            }
        }

        private bool Counts(char c) => !ignoreCase || (char.IsAscii(c) && c is not ('k' or 'K'));

        private void Escape(StringBuilder run, Action endRun)
        {
            if (_pos + 1 >= pattern.Length)
            {
                _unsure = true;
                return;
            }
            var next = pattern[_pos + 1];
            if (char.IsAscii(next) && !char.IsAsciiLetterOrDigit(next))
            {
                // Escaped punctuation or space stands for itself.
                _pos += 2;
                Literal(next, run, endRun);
                return;
            }
            endRun();
            _pos += 2;
            switch (next)
            {
                case 'p' or 'P':
                    SkipDelimited('{', '}');
                    break;
                case 'k':
                    if (!AtEnd && pattern[_pos] == '<')
                    {
                        SkipDelimited('<', '>');
                    }
                    else if (!AtEnd && pattern[_pos] == '\'')
                    {
                        SkipDelimited('\'', '\'');
                    }
                    else
                    {
                        _unsure = true;
                    }
                    break;
                case 'x':
                    _pos += 2;
                    break;
                case 'u':
                    _pos += 4;
                    break;
                case 'c':
                    _pos += 1;
                    break;
                case >= '0' and <= '9':
                    // Octal code or backreference: skip every digit (dropping digits only loses literal text).
                    while (!AtEnd && char.IsAsciiDigit(pattern[_pos]))
                    {
                        _pos++;
                    }
                    break;
                case 'd' or 'D' or 'w' or 'W' or 's' or 'S' or 'b' or 'B' or 'A' or 'z' or 'Z' or 'G'
                    or 'n' or 't' or 'r' or 'f' or 'v' or 'e' or 'a':
                    break;
                default:
                    _unsure = true;
                    return;
            }
            if (_pos > pattern.Length)
            {
                _unsure = true;
                return;
            }
            Quantifier();
        }

        private void SkipDelimited(char open, char close)
        {
            if (AtEnd || pattern[_pos] != open)
            {
                _unsure = true;
                return;
            }
            var end = pattern.IndexOf(close, _pos + 1);
            if (end < 0)
            {
                _unsure = true;
                return;
            }
            _pos = end + 1;
        }

        /// <summary>A group from its '(' to after its ')': what it requires, or null.</summary>
        private string[]? Group()
        {
            _pos++;
            if (!AtEnd && pattern[_pos] == '?')
            {
                // Only non-capturing and named groups are understood; options, lookarounds, comments, atomic groups
                // and conditionals make the whole pattern "unsure".
                var rest = pattern.AsSpan(_pos);
                if (rest.StartsWith("?:"))
                {
                    _pos += 2;
                }
                else if (rest.StartsWith("?<") && rest.Length > 2 && rest[2] is not ('=' or '!'))
                {
                    SkipName('>');
                }
                else if (rest.StartsWith("?'"))
                {
                    SkipName('\'');
                }
                else
                {
                    _unsure = true;
                    return null;
                }
            }
            var inner = Alternation();
            if (_unsure || AtEnd || pattern[_pos] != ')')
            {
                _unsure = true;
                return null;
            }
            _pos++;
            return inner;
        }

        private void SkipName(char close)
        {
            var end = pattern.IndexOf(close, _pos + 2);
            if (end < 0)
            {
                _unsure = true;
                return;
            }
            _pos = end + 1;
        }

        /// <summary>Skips a character class; subtraction (<c>-[</c>) and POSIX-like names (<c>[:</c>) make it unsure.</summary>
        private void SkipClass()
        {
            _pos++;
            if (!AtEnd && pattern[_pos] == '^')
            {
                _pos++;
            }
            if (!AtEnd && pattern[_pos] == ']')
            {
                _pos++; // a ']' first in a class is a literal member
            }
            while (!AtEnd)
            {
                var c = pattern[_pos];
                if (c == '\\')
                {
                    _pos += 2;
                    continue;
                }
                if (c == '[')
                {
                    _unsure = true;
                    return;
                }
                _pos++;
                if (c == ']')
                {
                    return;
                }
            }
            _unsure = true;
        }

        /// <summary>
        /// Reads a quantifier at the current position (and its lazy '?'): its minimum count, or -1 when there is none.
        /// </summary>
        private int Quantifier()
        {
            if (AtEnd)
            {
                return -1;
            }
            int min;
            switch (pattern[_pos])
            {
                case '*' or '?':
                    min = 0;
                    _pos++;
                    break;
                case '+':
                    min = 1;
                    _pos++;
                    break;
                case '{':
                    if (!TryBraces(out min))
                    {
                        return -1;
                    }
                    break;
                default:
                    return -1;
            }
            if (!AtEnd && pattern[_pos] == '?')
            {
                _pos++;
            }
            return min;
        }

        /// <summary><c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c>; anything else is a literal brace to .NET.</summary>
        private bool TryBraces(out int min)
        {
            min = 0;
            var i = _pos + 1;
            var start = i;
            while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
            {
                i++;
            }
            if (i == start || i >= pattern.Length)
            {
                return false;
            }
            // Counts too large for int are rejected by .NET; reaching here they only mean "at least one" or "zero".
            var zero = pattern.AsSpan(start, i - start).TrimStart('0').IsEmpty;
            if (pattern[i] == ',')
            {
                i++;
                while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
                {
                    i++;
                }
            }
            if (i >= pattern.Length || pattern[i] != '}')
            {
                return false;
            }
            _pos = i + 1;
            min = zero ? 0 : 1;
            return true;
        }
    }
}
