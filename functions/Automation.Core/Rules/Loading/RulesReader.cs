using System.Globalization;
using System.Text.RegularExpressions;
using Automation.Core.Logs;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Conditions;

namespace Automation.Core.Rules.Loading;

/// <summary>
/// Turns the YAML tree of a rules file into a <see cref="RuleSet"/>, reporting every problem and carrying on so that
/// all are found in one pass. Split by part: rules and thresholds here, conditions, actions and values beside it.
/// </summary>
internal sealed partial class RulesReader(ProblemCollector problems)
{
    public const int MaxIdLength = 64;

    private readonly ProblemCollector _problems = problems;

    /// <summary>The rule set, or null when anything was reported.</summary>
    public RuleSet? Read(YamlNode? root)
    {
        if (root is null or YamlScalar { Kind: ScalarKind.Null })
        {
            if (_problems.Count == 0)
            {
                _problems.Add(new TextPosition(1, 1, 0), "the file holds no rules: it must start with version: 1 and a list of rules: (see docs/rules.md)");
            }
            return null;
        }
        if (root is not YamlMapping map)
        {
            Expected(root, "a rules file", "a mapping with version: 1 and rules:");
            return null;
        }

        CheckKeys(map, RulesKeys.RuleSet, "at the top level", TopLevelHint);

        if (map.Find(RulesKeys.Version) is not { } version)
        {
            _problems.At(map, "version: 1 is missing (the format version; it lets later versions change the format safely)");
        }
        else if (version.Value is not YamlScalar { Kind: ScalarKind.Int } number || !int.TryParse(number.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v != 1)
        {
            Expected(version.Value, "version", "1 (the only format version)");
        }

        var rules = new List<Rule>();
        if (map.Find(RulesKeys.Rules) is { } rulesEntry)
        {
            if (Sequence(rulesEntry.Value, "rules", "a list of rules, each starting with '- id:'") is { } list)
            {
                var ids = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
                var escalations = new List<PendingEscalation>();
                foreach (var item in list.Items)
                {
                    if (ReadRule(item, ids, out var escalation) is { } rule)
                    {
                        if (escalation is not null)
                        {
                            escalations.Add(escalation with { RuleIndex = rules.Count });
                        }
                        rules.Add(rule);
                    }
                }
                ResolveEscalations(rules, escalations, ids.Keys);
            }
        }
        else
        {
            _problems.At(map, "rules: is missing (a list of rules, each starting with '- id:')");
        }

        // The functions' own sections: each is read by its reader beside this one and used by one function.
        var kubernetes = map.Find(RulesKeys.Kubernetes) is { } k ? ReadKubernetes(k.Value, rules) : null;
        var github = map.Find(RulesKeys.GitHub) is { } g ? ReadGitHub(g.Value) : null;
        var forwarding = map.Find(RulesKeys.Forwarding) is { } f ? ReadForwarding(f.Value, rules) : null;
        CheckGitHubActions(map, github);

        return _problems.Count == 0 ? new RuleSet(_problems.Source, rules, kubernetes, github, forwarding) : null;
    }

    private Rule? ReadRule(YamlNode node, Dictionary<string, YamlNode> ids, out PendingEscalation? escalation)
    {
        escalation = null;
        if (node is not YamlMapping map)
        {
            Expected(node, "a rule", "a mapping with id:, match: and optionally description:, threshold:, cooldown:, escalate_after:, resolve_after:, actions:");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, RulesKeys.Rule, "in a rule", RuleHint);

        string? id = null;
        if (map.Find(RulesKeys.Id) is { } idEntry)
        {
            id = ReadId(idEntry.Value, ids);
        }
        else
        {
            _problems.At(map, $"a rule needs an id: (unique, a-z 0-9 . _ -, at most {MaxIdLength} characters)");
        }

        string? description = null;
        if (map.Find(RulesKeys.Description) is { } descriptionEntry)
        {
            description = Text(descriptionEntry.Value, RulesKeys.Description);
        }

        Condition? match = null;
        if (map.Find(RulesKeys.Match) is { } matchEntry)
        {
            match = ReadCondition(matchEntry.Value);
        }
        else
        {
            _problems.At(map, "a rule needs match: (the condition a log record must meet), e.g. match: { contains: \"OutOfMemoryError\" }");
        }

        Threshold? threshold = null;
        var groupByKnown = true;
        if (map.Find(RulesKeys.Threshold) is { } thresholdEntry)
        {
            threshold = ReadThreshold(thresholdEntry.Value);
            groupByKnown = threshold is not null;
        }

        TimeSpan? cooldown = null;
        if (map.Find(RulesKeys.Cooldown) is { } cooldownEntry)
        {
            cooldown = Duration(cooldownEntry.Value, RulesKeys.Cooldown);
        }

        if (map.Find(RulesKeys.EscalateAfter) is { } escalationEntry)
        {
            escalation = ReadEscalation(escalationEntry.Value);
        }

        TimeSpan? resolveAfter = null;
        if (map.Find(RulesKeys.ResolveAfter) is { } resolveEntry)
        {
            resolveAfter = Duration(resolveEntry.Value, RulesKeys.ResolveAfter);
        }

        var actions = new List<RuleAction>();
        if (map.Find(RulesKeys.Actions) is { } actionsEntry
            && Sequence(actionsEntry.Value, "actions", "a list of actions, each starting with '- type:' (for none, leave actions out or write actions: [])") is { } list)
        {
            // Templates may only name record fields that are the same for every record of a group (see docs/rules.md).
            var groupBy = groupByKnown && threshold is { GroupBy.Count: > 0 } ? threshold.GroupBy : null;
            foreach (var item in list.Items)
            {
                if (ReadAction(item, groupBy) is { } action)
                {
                    actions.Add(action);
                }
            }
        }

        if (_problems.Count > before || id is null || match is null)
        {
            return null;
        }
        if (resolveAfter is not null && actions.All(a => a.Type == ActionCatalog.Forward))
        {
            _problems.At(map.Find(RulesKeys.ResolveAfter)!.Key, "resolve_after tells people that what a rule did helped, and this rule has no action but forward: add one (notify, for a rule that only tells people)");
            return null;
        }
        if (escalation is not null && actions.Count == 0)
        {
            _problems.At(escalation.Map, "escalate_after holds back a rule's actions, and this rule has none");
            return null;
        }
        if (escalation is not null && actions.Any(a => a.Type == ActionCatalog.Forward))
        {
            _problems.At(escalation.Map, "escalate_after holds back restarts, rollbacks and notifications; forward only annotates logs: put it in a rule of its own");
            return null;
        }
        return new Rule(id, description, match, threshold, cooldown, actions, _problems.LocationOf(map.Start)) { ResolveAfter = resolveAfter };
    }

    private string? ReadId(YamlNode node, Dictionary<string, YamlNode> ids)
    {
        var id = Text(node, RulesKeys.Id);
        if (id is null)
        {
            return null;
        }
        if (id.Length == 0 || !IdPattern().IsMatch(id))
        {
            _problems.At(node, $"rule id '{Shorten(id)}' may only hold lower-case letters, digits, '.', '_' and '-'");
            return null;
        }
        if (id.Length > MaxIdLength)
        {
            _problems.At(node, $"rule id is {id.Length} characters long; at most {MaxIdLength}");
            return null;
        }
        if (ids.TryGetValue(id, out var first))
        {
            _problems.At(node, $"duplicate rule id '{id}' (first at line {first.Start.Line}, column {first.Start.Column}): ids must be unique");
            return null;
        }
        ids.Add(id, node);
        return id;
    }

    private Threshold? ReadThreshold(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "threshold", "a mapping such as { count: 5, within: 2m, group_by: [kubernetes.pod_name] }");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, RulesKeys.ThresholdKeys, "in a threshold");

        int? count = null;
        if (map.Find(RulesKeys.Count) is { } countEntry)
        {
            if (IntegerIn(countEntry.Value, 1) is { } n)
            {
                count = n;
            }
            else if (countEntry.Value is not YamlRejected)
            {
                _problems.At(countEntry.Value, $"threshold count must be a whole number ≥ 1, not {Describe(countEntry.Value)}");
            }
        }
        else
        {
            _problems.At(map, "a threshold needs count: (how many matches within the window make the rule fire)");
        }

        TimeSpan? within = null;
        if (map.Find(RulesKeys.Within) is { } withinEntry)
        {
            within = Duration(withinEntry.Value, "threshold within");
        }
        else
        {
            _problems.At(map, "a threshold needs within: (the window its matches are counted in), e.g. within: 5m");
        }

        var groupBy = new List<FieldPath>();
        if (map.Find(RulesKeys.GroupBy) is { } groupByEntry
            && Sequence(groupByEntry.Value, "group_by", "a list of field paths, e.g. [kubernetes.namespace_name, kubernetes.pod_name]") is { } list)
        {
            if (list.Items.Count == 0)
            {
                _problems.At(list, "group_by is empty: list field paths, or leave group_by out to count all matches together");
            }
            foreach (var item in list.Items)
            {
                if (Path(item, "group_by") is not { } path)
                {
                    continue;
                }
                if (groupBy.Any(p => SamePath(p, path)))
                {
                    _problems.At(item, $"'{path}' is already in group_by");
                    continue;
                }
                groupBy.Add(path);
            }
        }

        return _problems.Count > before || count is null || within is null ? null : new Threshold(count.Value, within.Value, groupBy);
    }

    private static string? TopLevelHint(string key) =>
        RulesKeys.Rule.Contains(key) ? "rules go in a list under rules:, each starting with '- id:'" : null;

    private static string? RuleHint(string key) =>
        RulesKeys.ThresholdKeys.Contains(key) ? $"{key} goes under threshold:"
        : RulesKeys.Condition.Contains(key) ? $"conditions go under match:"
        : key == ActionCatalog.TypeKey ? "actions go in a list under actions:, each starting with '- type:'"
        : null;

    /// <summary>Two paths name the same field (kubernetes.labels.app and kubernetes.labels["app"] do).</summary>
    private static bool SamePath(FieldPath a, FieldPath b) =>
        a.Segments.Length == b.Segments.Length
        && a.Segments.Zip(b.Segments).All(p => p.First.Name == p.Second.Name && p.First.Index == p.Second.Index);

    [GeneratedRegex("^[a-z0-9._-]+$")]
    private static partial Regex IdPattern();
}
