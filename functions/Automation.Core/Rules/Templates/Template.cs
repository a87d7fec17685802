using System.Text;
using Automation.Core.Logs;

namespace Automation.Core.Rules.Templates;

/// <summary>
/// An action parameter such as <c>"{{ kubernetes.labels.app }}-canary"</c>: literal text with `{{ variable }}`
/// holes. Parsed once when the rules are loaded; rendered when a rule fires.
/// </summary>
public sealed record Template(string Text, IReadOnlyList<TemplatePart> Parts)
{
    public IEnumerable<TemplateVariable> Variables => Parts.OfType<VariablePart>().Select(p => p.Variable);

    /// <summary>Parses `{{ name }}` holes; throws <see cref="TemplateException"/> at the first problem.</summary>
    public static Template Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var stray = text.IndexOf("}}", i, StringComparison.Ordinal);
            if (stray >= 0 && (open < 0 || stray < open))
            {
                throw new TemplateException("'}}' without a matching '{{'", stray);
            }
            if (open < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }

            literal.Append(text, i, open - i);
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException("'{{' is not closed with '}}'", open);
            }
            var name = text.AsSpan(open + 2, close - open - 2).Trim().ToString();
            if (name.Length == 0)
            {
                throw new TemplateException("empty '{{ }}': name a field or a fact such as rule.id", open);
            }
            if (name.Contains("{{", StringComparison.Ordinal))
            {
                throw new TemplateException("'{{' inside '{{ }}'", open);
            }

            if (literal.Length > 0)
            {
                parts.Add(new LiteralPart(literal.ToString()));
                literal.Clear();
            }
            parts.Add(new VariablePart(ParseVariable(name, open), open));
            i = close + 2;
        }

        if (literal.Length > 0)
        {
            parts.Add(new LiteralPart(literal.ToString()));
        }
        return new Template(text, parts);
    }

    private static TemplateVariable ParseVariable(string name, int offset)
    {
        if (TemplateVariable.Facts.Contains(name))
        {
            return new TemplateVariable(name, name, RecordField: null);
        }

        var root = name.Split('.', '[')[0];
        if (TemplateVariable.FactRoots.Contains(root))
        {
            throw new TemplateException(
                $"'{name}' is not a match fact; the facts are {string.Join(", ", TemplateVariable.Facts.Order(StringComparer.Ordinal))}", offset);
        }

        try
        {
            return new TemplateVariable(name, Fact: null, FieldPath.Parse(name));
        }
        catch (FieldPathException e)
        {
            throw new TemplateException($"'{name}' is not a field path: {e.Message}", offset);
        }
    }
}
