namespace Automation.Core.Rules.Loading;

/// <summary>The keys each object of a rules file may hold (format version 1). rules.schema.json lists the same.</summary>
internal static class RulesKeys
{
    public const string Version = "version";
    public const string Rules = "rules";
    public const string Kubernetes = "kubernetes";
    public const string GitHub = "github";
    public const string Forwarding = "forwarding";

    public const string Id = "id";
    public const string Description = "description";
    public const string Match = "match";
    public const string Threshold = "threshold";
    public const string Cooldown = "cooldown";
    public const string Actions = "actions";
    public const string EscalateAfter = "escalate_after";
    public const string ResolveAfter = "resolve_after";

    public const string RuleKey = "rule";
    public const string ActionKey = "action";
    public const string StillMatching = "still_matching";

    public const string Count = "count";
    public const string Within = "within";
    public const string GroupBy = "group_by";

    public const string Field = "field";
    public const string IgnoreCase = "ignore_case";
    public const string Contains = "contains";
    public const string StartsWith = "starts_with";
    public const string Regex = "regex";
    public const string EqualsKey = "equals";
    public const string In = "in";
    public const string Exists = "exists";
    public const string Gt = "gt";
    public const string Gte = "gte";
    public const string Lt = "lt";
    public const string Lte = "lte";
    public const string All = "all";
    public const string Any = "any";
    public const string Not = "not";

    public static IReadOnlyList<string> RuleSet { get; } = [Version, Rules, Kubernetes, GitHub, Forwarding];

    public static IReadOnlyList<string> Rule { get; } = [Id, Description, Match, Threshold, Cooldown, EscalateAfter, ResolveAfter, Actions];

    public static IReadOnlyList<string> EscalationKeys { get; } = [RuleKey, ActionKey, Within, StillMatching];

    public static IReadOnlyList<string> ThresholdKeys { get; } = [Count, Within, GroupBy];

    /// <summary>A condition holds exactly one of these.</summary>
    public static IReadOnlyList<string> Operators { get; } =
        [Contains, StartsWith, Regex, EqualsKey, In, Exists, Gt, Gte, Lt, Lte, All, Any, Not];

    /// <summary>What may go with a value operator.</summary>
    public static IReadOnlyList<string> Modifiers { get; } = [Field, IgnoreCase];

    public static IReadOnlyList<string> Condition { get; } = [.. Operators, .. Modifiers];

    /// <summary>Operators that combine conditions and take neither field nor ignore_case.</summary>
    public static IReadOnlySet<string> Combinators { get; } = new HashSet<string>(StringComparer.Ordinal) { All, Any, Not };

    /// <summary>Operators that do not compare text, so ignore_case means nothing to them.</summary>
    public static IReadOnlySet<string> CaseFree { get; } =
        new HashSet<string>(StringComparer.Ordinal) { Exists, Gt, Gte, Lt, Lte, All, Any, Not };
}
