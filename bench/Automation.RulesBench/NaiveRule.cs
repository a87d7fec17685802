using System.Text.RegularExpressions;
using Automation.Core.Logs;
using Automation.Core.Rules.Conditions;

namespace Automation.RulesBench;

/// <summary>
/// The baseline a user would write without the engine: each rule turned into one regular expression run on every
/// record's message (plus, for rules that also test a field, a plain lookup of that field). The same pattern and
/// field lists are handed to the Python implementation.
/// </summary>
internal sealed class NaiveRule
{
    private NaiveRule(string id, string pattern, IReadOnlyList<(FieldPath Path, string[] Values)> fields, bool ignoreCase)
    {
        Id = id;
        Pattern = pattern;
        Fields = fields;
        // What a .NET user writes: Compiled (ignored by Native AOT, which interprets), culture-invariant.
        Regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
    }

    public string Id { get; }

    /// <summary>One pattern for the message part of the rule; portable between .NET and Python's <c>re</c>.</summary>
    public string Pattern { get; }

    /// <summary>Fields that must hold one of the values (namespace or level in the benchmark's rules).</summary>
    public IReadOnlyList<(FieldPath Path, string[] Values)> Fields { get; }

    public Regex Regex { get; }

    public bool IsMatch(LogRecord record)
    {
        if (!Regex.IsMatch(record.Message))
        {
            return false;
        }
        foreach (var (path, values) in Fields)
        {
            var value = path.Text == "level" ? record.Level : record.Fields[path];
            if (value is null || Array.IndexOf(values, value) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Translates the shapes the benchmark uses: message contains/starts_with/regex, any, all of message tests
    /// (lookaheads), and case-sensitive `in` on a field next to them in an `all`.
    /// </summary>
    /// <param name="ignoreCase">Make the whole regex case-insensitive (a timing variant; it matches more).</param>
    public static NaiveRule From(string id, Condition condition, bool ignoreCase = false)
    {
        var fields = new List<(FieldPath, string[])>();
        var pattern = Translate(condition, fields, top: true);
        return new NaiveRule(id, pattern, fields, ignoreCase);
    }

    private static string Translate(Condition condition, List<(FieldPath, string[])> fields, bool top)
    {
        switch (condition)
        {
            case InCondition { Field: not null, IgnoreCase: false } @in when top:
                fields.Add((@in.Field, [.. @in.Values]));
                return "";
            case AllCondition all when top:
                var parts = all.Conditions.Select(child => Translate(child, fields, top: true)).Where(part => part.Length > 0).ToList();
                return parts.Count == 1 ? parts[0] : "^" + string.Concat(parts.Select(part => $"(?=[\\s\\S]*?{part})"));
            case AnyCondition any:
                return "(?:" + string.Join("|", any.Conditions.Select(child => Translate(child, fields, top: false))) + ")";
            case ContainsCondition { Field: null } contains:
                return Cased(string.Join("|", contains.Values.Select(Regex.Escape)), contains.IgnoreCase);
            case StartsWithCondition { Field: null } startsWith:
                return "^" + Cased(string.Join("|", startsWith.Values.Select(Regex.Escape)), startsWith.IgnoreCase);
            case RegexCondition { Field: null } regex:
                return Cased(regex.Pattern, regex.IgnoreCase);
            default:
                throw new NotSupportedException($"The naive baseline does not translate {condition.GetType().Name} here.");
        }
    }

    private static string Cased(string pattern, bool ignoreCase) => ignoreCase ? $"(?i:{pattern})" : $"(?:{pattern})";
}
