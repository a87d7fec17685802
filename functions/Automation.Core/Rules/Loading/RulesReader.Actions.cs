using System.Globalization;
using System.Text.RegularExpressions;
using Automation.Core.Logs;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Templates;

namespace Automation.Core.Rules.Loading;

/// <summary>Actions: a type from the <see cref="ActionCatalog"/> and its parameters, each a template.</summary>
internal sealed partial class RulesReader
{
    private static readonly string TypeList = string.Join(", ", ActionCatalog.Types.Select(t => t.Type));

    /// <param name="groupBy">The rule's threshold.group_by when it has one: templates may then only name those fields.</param>
    private RuleAction? ReadAction(YamlNode node, IReadOnlyList<FieldPath>? groupBy)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "an action", $"a mapping with type: ({TypeList}) and its parameters");
            return null;
        }
        if (map.Find(ActionCatalog.TypeKey) is not { } typeEntry)
        {
            _problems.At(map, $"an action needs a type: one of {TypeList}");
            return null;
        }
        if (Text(typeEntry.Value, ActionCatalog.TypeKey) is not { } type)
        {
            return null;
        }
        if (ActionCatalog.Find(type) is not { } definition)
        {
            var closest = KeySuggestions.Closest(type, ActionCatalog.Types.Select(t => t.Type));
            var advice = closest is null ? "" : $" (did you mean '{closest}'?)";
            _problems.At(typeEntry.Value, $"unknown action type '{Shorten(type)}'{advice}: the types are {TypeList}");
            return null;
        }

        var before = _problems.Count;
        CheckKeys(map, [ActionCatalog.TypeKey, .. definition.Parameters.Select(p => p.Name)], $"in a {type} action");
        var parameters = new Dictionary<string, Template>(StringComparer.Ordinal);
        foreach (var parameter in definition.Parameters)
        {
            if (map.Find(parameter.Name) is { } entry)
            {
                ReadParameter(type, parameter, entry.Value, groupBy, parameters);
            }
            else if (parameter.Required)
            {
                _problems.At(map, $"a {type} action needs {parameter.Name}: ({parameter.Description})");
            }
            else if (parameter.DefaultField is { } defaultField && groupBy is not null && !groupBy.Any(p => SamePath(p, defaultField)))
            {
                _problems.At(map,
                    $"without {parameter.Name}: the {type} action takes {defaultField} from the record, and this rule counts per " +
                    $"threshold.group_by: add {defaultField} to group_by, or set {parameter.Name}:, or it comes from an arbitrary record of the group");
            }
        }

        return _problems.Count > before ? null : new RuleAction(type, parameters, _problems.LocationOf(map.Start));
    }

    private void ReadParameter(
        string type, ActionParameter parameter, YamlNode value, IReadOnlyList<FieldPath>? groupBy, Dictionary<string, Template> parameters)
    {
        var name = parameter.Name;
        switch (parameter.Kind)
        {
            case ActionParameterKind.Choice:
                if (Text(value, name) is not { } choice)
                {
                    return;
                }
                if (!parameter.AllowedValues.Contains(choice))
                {
                    var closest = KeySuggestions.Closest(choice, parameter.AllowedValues);
                    var advice = closest is null ? "" : $" (did you mean '{closest}'?)";
                    _problems.At(value, $"{name} '{Shorten(choice)}'{advice} is not one of {string.Join(", ", parameter.AllowedValues)}");
                    return;
                }
                parameters[name] = Template.Parse(choice); // the allowed values hold no {{ }}
                return;

            case ActionParameterKind.ChoiceList:
                if (ReadChoiceList(parameter, value) is { } list)
                {
                    parameters[name] = Template.Parse(list); // the allowed values hold no {{ }} or commas
                }
                return;

            case ActionParameterKind.TemplateMap:
                if (value is not YamlMapping map)
                {
                    Expected(value, name, "a mapping of name: value (each value a template)");
                    return;
                }
                foreach (var entry in map.Entries)
                {
                    if (!InputNamePattern().IsMatch(entry.Key.Value))
                    {
                        _problems.At(entry.Key, $"{name} name '{Shorten(entry.Key.Value)}' must start with a letter or '_' and hold only letters, digits, '_' and '-'");
                        continue;
                    }
                    if (ReadTemplate(entry.Value, $"{name}.{entry.Key.Value}", groupBy) is { } input)
                    {
                        parameters[$"{name}.{entry.Key.Value}"] = input;
                    }
                }
                return;

            default:
                if (ReadTemplate(value, name, groupBy) is not { } template)
                {
                    return;
                }
                if (template.Variables.Any())
                {
                    parameters[name] = template; // checked once rendered
                    return;
                }
                var literal = template.Text;
                if (parameter.Kind == ActionParameterKind.NonNegativeInteger
                    && !int.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    _problems.At(value, $"{name} must be a whole number ≥ 0, not {Describe(value)}");
                    return;
                }
                if (parameter.Kind == ActionParameterKind.Repository && !RepositoryPattern().IsMatch(literal))
                {
                    _problems.At(value, $"{name} '{Shorten(literal)}' must read owner/name, e.g. acme/shop");
                    return;
                }
                parameters[name] = template;
                return;
        }
    }

    /// <summary>A list of allowed values, or one alone; each at most once. Null after reporting a problem.</summary>
    private string? ReadChoiceList(ActionParameter parameter, YamlNode value)
    {
        var name = parameter.Name;
        IReadOnlyList<YamlNode> items = value is YamlSequence sequence ? sequence.Items : [value];
        if (items.Count == 0)
        {
            _problems.At(value, $"{name} is empty: list some of {string.Join(", ", parameter.AllowedValues)}, or leave {name} out for all of them");
            return null;
        }
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var item in items)
        {
            if (Text(item, name) is not { } choice)
            {
                ok = false;
                continue;
            }
            if (!parameter.AllowedValues.Contains(choice))
            {
                var closest = KeySuggestions.Closest(choice, parameter.AllowedValues);
                var advice = closest is null ? "" : $" (did you mean '{closest}'?)";
                _problems.At(item, $"{name} '{Shorten(choice)}'{advice} is not one of {string.Join(", ", parameter.AllowedValues)}");
                ok = false;
                continue;
            }
            if (!chosen.Add(choice))
            {
                _problems.At(item, $"'{choice}' is already in {name}");
                ok = false;
            }
        }
        return ok ? string.Join(",", parameter.AllowedValues.Where(chosen.Contains)) : null;
    }

    /// <summary>Parses a template; with a group_by, its record fields must be group_by fields (message and level excepted).</summary>
    private Template? ReadTemplate(YamlNode value, string name, IReadOnlyList<FieldPath>? groupBy)
    {
        if (Text(value, name) is not { } text)
        {
            return null;
        }
        var scalar = (YamlScalar)value;
        Template template;
        try
        {
            template = Template.Parse(text);
        }
        catch (TemplateException e)
        {
            _problems.AtOffset(scalar, e.Offset, $"{name}: {e.Message}");
            return null;
        }

        if (groupBy is null)
        {
            return template;
        }
        var ok = true;
        foreach (var part in template.Parts.OfType<VariablePart>())
        {
            if (part.Variable.RecordField is not { } field || part.Variable.IsLineText || groupBy.Any(p => SamePath(p, field)))
            {
                continue;
            }
            _problems.AtOffset(scalar, part.Offset,
                $"{name}: '{{{{ {part.Variable.Text} }}}}' names a record field, but this rule counts per threshold.group_by " +
                $"({string.Join(", ", groupBy)}): add it to threshold.group_by, or it comes from an arbitrary record of the group");
            ok = false;
        }
        return ok ? template : null;
    }

    /// <summary>message and level are taken from the last matching record, which is what an operator expects of them.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex InputNamePattern();

    [GeneratedRegex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")]
    private static partial Regex RepositoryPattern();
}
