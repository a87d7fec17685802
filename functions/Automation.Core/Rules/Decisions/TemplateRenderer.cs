using System.Globalization;
using System.Text;
using Automation.Core.Logs;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Templates;

namespace Automation.Core.Rules.Decisions;

/// <summary>Fills a template's holes from a record and the match facts. A field the record lacks renders as empty text.</summary>
public static class TemplateRenderer
{
    public static string Render(Template template, LogRecord record, MatchFacts facts)
    {
        if (template.Parts is [LiteralPart only])
        {
            return only.Text;
        }

        var text = new StringBuilder(template.Text.Length);
        foreach (var part in template.Parts)
        {
            text.Append(part switch
            {
                LiteralPart literal => literal.Text,
                VariablePart { Variable.Fact: { } fact } => Fact(fact, facts),
                VariablePart variable => RecordValues.TryGet(record, variable.Variable.RecordField, out var value) ? value : "",
                _ => "",
            });
        }
        return text.ToString();
    }

    private static string Fact(string fact, MatchFacts facts) => fact switch
    {
        "rule.id" => facts.Rule.Id,
        "rule.description" => facts.Rule.Description ?? "",
        "count" => facts.Count.ToString(CultureInfo.InvariantCulture),
        "window" => facts.Rule.Threshold is { } threshold ? Durations.Format(threshold.Within) : "",
        "first_seen" => facts.FirstSeen.ToString("O", CultureInfo.InvariantCulture),
        "last_seen" => facts.LastSeen.ToString("O", CultureInfo.InvariantCulture),
        _ => "",
    };
}
