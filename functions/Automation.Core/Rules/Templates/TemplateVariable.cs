using Automation.Core.Logs;

namespace Automation.Core.Rules.Templates;

/// <summary>
/// What a `{{ ... }}` names: a match fact (<see cref="Fact"/> set: rule.id, rule.description, count, window,
/// first_seen, last_seen) or a field of the record that made the rule fire (<see cref="RecordField"/> set, the same
/// path syntax as a condition's <c>field</c>; <c>message</c> and <c>level</c> are the record's message and level).
/// </summary>
public sealed record TemplateVariable(string Text, string? Fact, FieldPath? RecordField)
{
    /// <summary>The facts a template may name. A name under a fact's root that is not listed (rule.nme) is an error.</summary>
    public static IReadOnlySet<string> Facts { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "rule.id", "rule.description", "count", "window", "first_seen", "last_seen",
    };

    /// <summary>
    /// The record's message or level: text of the one line that fired, different from line to line. Like a fact, it
    /// describes the match rather than what the action acts on, so it is not part of an action's target.
    /// </summary>
    public bool IsLineText => RecordField is { Segments: [{ Name: "message" or "level" }] };

    /// <summary>Roots reserved for facts: a record field cannot be named through them.</summary>
    public static IReadOnlySet<string> FactRoots { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "rule", "count", "window", "first_seen", "last_seen",
    };
}
