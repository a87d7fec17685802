using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Automation.Core.Logs;

/// <summary>
/// The path of a field in a log record. Syntax: keys separated by dots, <c>kubernetes.labels.app</c>; a key holding
/// dots, brackets, quotes or spaces goes in brackets and quotes, <c>kubernetes.labels["app.kubernetes.io/name"]</c>
/// (single quotes work too; a backslash escapes the quote or a backslash); an array element by index,
/// <c>kubernetes.ownerReferences[0].kind</c>. A bare key is any run of characters other than <c>. [ ] " '</c> and
/// white space, so <c>@timestamp</c> and <c>k8s-app</c> need no quotes. Parse once, look up many times.
/// </summary>
public sealed class FieldPath
{
    /// <summary>Paths are written by operators, not read from logs; these bounds only keep a typo from costing much.</summary>
    public const int MaxLength = 1024;

    public const int MaxSegments = 64;

    private FieldPath(string text, FieldPathSegment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    internal FieldPathSegment[] Segments { get; }

    /// <summary>Parses a path; throws <see cref="FieldPathException"/> with the position of the first error.</summary>
    public static FieldPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var path = TryParseCore(text, out var error, out var position);
        return path ?? throw new FieldPathException(error!, position);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out FieldPath? path)
    {
        path = text is null ? null : TryParseCore(text, out _, out _);
        return path is not null;
    }

    public override string ToString() => Text;

    private static FieldPath? TryParseCore(string text, out string? error, out int position)
    {
        if (text.Length == 0)
        {
            return Fail("the path is empty", 0, out error, out position);
        }
        if (text.Length > MaxLength)
        {
            return Fail($"the path is longer than {MaxLength} characters", MaxLength, out error, out position);
        }

        var segments = new List<FieldPathSegment>();
        var i = 0;
        var expectKey = true; // at the start and after a dot a bare key (or a bracket) must follow
        while (i < text.Length)
        {
            if (segments.Count == MaxSegments)
            {
                return Fail($"the path has more than {MaxSegments} parts", i, out error, out position);
            }

            var c = text[i];
            if (c == '[')
            {
                var start = i;
                i++;
                if (i < text.Length && (text[i] == '"' || text[i] == '\''))
                {
                    var key = ReadQuoted(text, ref i, out error, out position);
                    if (key is null)
                    {
                        return null;
                    }
                    segments.Add(FieldPathSegment.Key(key));
                }
                else if (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    var digits = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                    if (!int.TryParse(text.AsSpan(digits, i - digits), out var index))
                    {
                        return Fail("the array index is too large", digits, out error, out position);
                    }
                    segments.Add(FieldPathSegment.At(index));
                }
                else
                {
                    return Fail("expected a quoted key or an array index after '['", i, out error, out position);
                }
                if (i >= text.Length || text[i] != ']')
                {
                    return Fail($"expected ']' to close the '[' at position {start}", i, out error, out position);
                }
                i++;
                expectKey = false;
            }
            else if (c == '.')
            {
                if (expectKey)
                {
                    return Fail("expected a key before '.'", i, out error, out position);
                }
                i++;
                if (i >= text.Length)
                {
                    return Fail("expected a key after '.'", i, out error, out position);
                }
                if (text[i] == '[' || text[i] == '.')
                {
                    return Fail("expected a bare key after '.' (write a[\"k\"], not a.[\"k\"])", i, out error, out position);
                }
                expectKey = true;
            }
            else
            {
                if (!expectKey)
                {
                    return Fail("expected '.' or '[' between parts", i, out error, out position);
                }
                var start = i;
                while (i < text.Length && IsBareKeyChar(text[i]))
                {
                    i++;
                }
                if (i == start)
                {
                    var what = text[i] == ']' ? "']' without '['" : $"'{text[i]}' in a bare key (put the key in [\"…\"])";
                    return Fail("unexpected " + what, i, out error, out position);
                }
                segments.Add(FieldPathSegment.Key(text[start..i]));
                expectKey = false;
            }
        }

        error = null;
        position = -1;
        return new FieldPath(text, [.. segments]);
    }

    private static bool IsBareKeyChar(char c) =>
        c is not ('.' or '[' or ']' or '"' or '\'') && !char.IsWhiteSpace(c);

    /// <summary>Reads a quoted key starting at the opening quote; leaves <paramref name="i"/> after the closing quote.</summary>
    private static string? ReadQuoted(string text, ref int i, out string? error, out int position)
    {
        var quote = text[i];
        var open = i;
        i++;
        var key = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                i++;
                error = null;
                position = -1;
                return key.ToString();
            }
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }
                var next = text[i + 1];
                if (next != quote && next != '\\')
                {
                    Fail($"only \\{quote} and \\\\ may be escaped in a quoted key", i, out error, out position);
                    return null;
                }
                key.Append(next);
                i += 2;
                continue;
            }
            key.Append(c);
            i++;
        }
        Fail($"the quote at position {open} is not closed", text.Length, out error, out position);
        return null;
    }

    private static FieldPath? Fail(string message, int at, out string? error, out int position)
    {
        error = message;
        position = at;
        return null;
    }
}
