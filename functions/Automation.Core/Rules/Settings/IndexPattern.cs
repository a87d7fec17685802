using System.Globalization;
using System.Text;

namespace Automation.Core.Rules.Settings;

/// <summary>
/// An OpenSearch index name with date parts taken from each record's time (UTC), as Fluent Bit and Logstash write
/// them: <c>logs-%{yyyy.MM.dd}</c>. Inside <c>%{…}</c> only y, M, d, H and the separators . - _ may appear. The rest
/// must be a valid index name: lower case, none of <c>\ / * ? " &lt; &gt; | , #</c>, spaces or colons, not starting with - _ +.
/// </summary>
public sealed class IndexPattern
{
    private const string Forbidden = "\\/*?\"<>|,# :";

    private readonly string[] _parts; // even: literal text, odd: a date format

    private IndexPattern(string text, string[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>True when the name does not depend on the date.</summary>
    public bool IsFixed => _parts.Length == 1;

    /// <exception cref="FormatException">The pattern is not a valid index name pattern; the message says why.</exception>
    public static IndexPattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern : throw new FormatException(error);

    public static bool TryParse(string text, out IndexPattern pattern, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        pattern = null!;
        var parts = new List<string>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0)
                {
                    error = $"'%{{' at offset {i} has no closing '}}'";
                    return false;
                }
                var format = text[(i + 2)..end];
                if (format.Length == 0 || format.Any(c => "yMdH.-_".IndexOf(c, StringComparison.Ordinal) < 0))
                {
                    error = $"the date part '%{{{format}}}' may only use y, M, d, H and . - _ (e.g. %{{yyyy.MM.dd}})";
                    return false;
                }
                parts.Add(literal.ToString());
                parts.Add(format);
                literal.Clear();
                i = end;
                continue;
            }
            var c = text[i];
            if (char.IsUpper(c) || Forbidden.Contains(c, StringComparison.Ordinal) || char.IsControl(c))
            {
                error = $"'{c}' at offset {i} is not allowed in an index name (lower case; none of \\ / * ? \" < > | , # : or spaces)";
                return false;
            }
            literal.Append(c);
        }
        parts.Add(literal.ToString());
        if (text.Length == 0 || text[0] is '-' or '_' or '+' || text is "." or "..")
        {
            error = "an index name must not be empty, '.' or '..', nor start with - _ +";
            return false;
        }
        if (Encoding.UTF8.GetByteCount(text) > 200)
        {
            error = "an index name pattern may be at most 200 bytes long (OpenSearch allows 255 once the date is filled in)";
            return false;
        }
        pattern = new IndexPattern(text, [.. parts]);
        error = "";
        return true;
    }

    /// <summary>The index name for a record logged at <paramref name="time"/> (its UTC date).</summary>
    public string Resolve(DateTimeOffset time)
    {
        if (_parts.Length == 1)
        {
            return _parts[0];
        }
        var utc = time.UtcDateTime;
        var name = new StringBuilder(Text.Length + 8);
        for (var i = 0; i < _parts.Length; i++)
        {
            // A one-letter format would be a standard format ("d" is the short date): % makes it custom.
            name.Append(i % 2 == 0 ? _parts[i] : utc.ToString(_parts[i].Length == 1 ? "%" + _parts[i] : _parts[i], CultureInfo.InvariantCulture));
        }
        return name.ToString();
    }

    public override string ToString() => Text;
}
