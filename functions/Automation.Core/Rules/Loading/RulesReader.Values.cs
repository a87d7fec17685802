using System.Globalization;
using Automation.Core.Logs;

namespace Automation.Core.Rules.Loading;

/// <summary>Reading single values: each helper reports what is wrong and returns null, so the caller carries on.</summary>
internal sealed partial class RulesReader
{
    private const int ShownLength = 40;

    /// <summary>Reports the keys that <paramref name="allowed"/> does not hold, at each key; returns how many.</summary>
    private int CheckKeys(YamlMapping map, IReadOnlyList<string> allowed, string where, Func<string, string?>? hint = null)
    {
        var unknown = 0;
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            if (allowed.Contains(key))
            {
                continue;
            }
            unknown++;
            var advice = KeySuggestions.Closest(key, allowed) is { } closest ? $"did you mean '{closest}'?" : hint?.Invoke(key);
            var message = $"unknown key '{Shorten(key)}' {where}";
            if (advice is not null)
            {
                message += ": " + advice;
            }
            _problems.At(entry.Key, $"{message} (allowed: {string.Join(", ", allowed)})");
        }
        return unknown;
    }

    private void Expected(YamlNode node, string what, string expected)
    {
        if (node is not YamlRejected)
        {
            _problems.At(node, $"{what} must be {expected}, not {Describe(node)}");
        }
    }

    private YamlSequence? Sequence(YamlNode node, string what, string expected)
    {
        if (node is YamlSequence sequence)
        {
            return sequence;
        }
        Expected(node, what, expected);
        return null;
    }

    /// <summary>Any scalar but an empty one, as text: numbers as written, booleans as true/false.</summary>
    private string? Text(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Null } scalar:
                _problems.At(scalar, $"{what} is empty: give it a value (quote it, \"\", for empty text)");
                return null;
            case YamlScalar scalar:
                return scalar.Text;
            default:
                Expected(node, what, "text");
                return null;
        }
    }

    /// <summary>A YAML integer from <paramref name="min"/> to <paramref name="max"/>; null otherwise (the caller says what it expected).</summary>
    private static int? IntegerIn(YamlNode node, int min, int max = int.MaxValue) =>
        node is YamlScalar { Kind: ScalarKind.Int } s
        && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : null;

    private bool? Bool(YamlNode node, string what)
    {
        if (node is YamlScalar { Kind: ScalarKind.Bool } scalar)
        {
            return scalar.Text == "true";
        }
        Expected(node, what, "true or false");
        return null;
    }

    private double? Number(YamlNode node, string what)
    {
        if (node is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } scalar
            && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
        {
            return value;
        }
        Expected(node, what, "a number (unquoted)");
        return null;
    }

    private TimeSpan? Duration(YamlNode node, string what)
    {
        if (node is YamlScalar { Kind: ScalarKind.Int } number)
        {
            _problems.At(number, $"{what} '{number.Value}' has no unit: {Durations.Help}");
            return null;
        }
        if (node is YamlScalar { Kind: ScalarKind.String } scalar)
        {
            if (Durations.TryParse(scalar.Value, out var value, out var error))
            {
                return value;
            }
            _problems.At(scalar, $"{what}: {error}");
            return null;
        }
        Expected(node, what, $"a duration ({Durations.Help})");
        return null;
    }

    private FieldPath? Path(YamlNode node, string what)
    {
        if (Text(node, what) is not { } text)
        {
            return null;
        }
        try
        {
            return FieldPath.Parse(text);
        }
        catch (FieldPathException e)
        {
            _problems.AtOffset((YamlScalar)node, e.Position, $"{what} '{Shorten(text)}' is not a field path: {e.Reason}");
            return null;
        }
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlMapping => "a mapping",
        YamlSequence => "a list",
        YamlScalar { Kind: ScalarKind.Null } => "empty",
        YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } s => $"the number {Shorten(s.Value)}",
        YamlScalar { Kind: ScalarKind.Bool } s => s.Text,
        YamlScalar s => $"'{Shorten(s.Value)}'",
        _ => "that",
    };

    /// <summary>Values quoted in messages are cut short and kept on one line.</summary>
    private static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= ShownLength ? oneLine : string.Concat(oneLine.AsSpan(0, ShownLength), "…");
    }
}
