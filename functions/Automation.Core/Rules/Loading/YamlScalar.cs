using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Automation.Core.Rules.Loading;

/// <param name="Tagged">Written with <c>!!str</c> (or <c>!</c>): a string whatever it looks like.</param>
internal sealed partial record YamlScalar(string Value, ScalarStyle Style, bool Tagged, TextPosition Start, TextPosition End)
    : YamlNode(Start, End)
{
    public ScalarKind Kind => Style != ScalarStyle.Plain || Tagged ? ScalarKind.String : Resolve(Value);

    /// <summary>The value as text: booleans as JSON writes them (<c>True</c> → <c>true</c>), anything else as written.</summary>
    public string Text => Kind == ScalarKind.Bool ? Value.ToLowerInvariant() : Value;

    /// <summary>
    /// The column of the value's character at <paramref name="offset"/>, when that can be told from the value alone:
    /// a plain or single-quoted scalar on one line. Null for other styles (escapes and folding move characters).
    /// </summary>
    public int? ColumnOf(int offset)
    {
        if (Start.Line != End.Line || offset < 0 || offset > Value.Length)
        {
            return null;
        }
        switch (Style)
        {
            case ScalarStyle.Plain:
                // A plain scalar's text is its value; it ends where the value ends (a tag would sit before it).
                return End.Column - Value.Length + offset;
            case ScalarStyle.SingleQuoted:
                // Inside single quotes the only escape is '' for one quote.
                var quotes = Value.Count(c => c == '\'');
                var contentStart = End.Column - 1 - (Value.Length + quotes);
                return contentStart + offset + Value.AsSpan(0, offset).Count('\'');
            default:
                return null;
        }
    }

    private static ScalarKind Resolve(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
        "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Bool,
        _ when IntPattern().IsMatch(value) => ScalarKind.Int,
        _ when FloatPattern().IsMatch(value) => ScalarKind.Float,
        _ => ScalarKind.String,
    };

    // YAML 1.2 core schema, decimal forms only (0x and 0o forms read as text here).
    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex FloatPattern();
}
