using Automation.Core.Logs;
using Automation.Core.Rules.Actions;
using Automation.Core.State;

namespace Automation.Core.Rules.Loading;

/// <summary>
/// A rule's escalate_after: and resolve_after:. An escalation names another rule, so it is read with its rule and
/// checked once every rule is known: the rule exists, has a cooldown (the ledger then keeps its last run per target),
/// the action is one of its own, and this rule's records name the same target as that action's.
/// </summary>
internal sealed partial class RulesReader
{
    /// <summary>The escalation of rule <see cref="RuleIndex"/> as written, checked against the other rules after all are read.</summary>
    private sealed record PendingEscalation(
        int RuleIndex, YamlMapping Map, string Rule, YamlNode RuleNode, string? Action, YamlNode? ActionNode, TimeSpan Within, int StillMatching);

    private PendingEscalation? ReadEscalation(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, RulesKeys.EscalateAfter, "a mapping such as { rule: restart-checkout, action: rollout_restart, within: 15m, still_matching: 10 }");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, RulesKeys.EscalationKeys, "in escalate_after");

        string? rule = null;
        YamlNode? ruleNode = null;
        if (map.Find(RulesKeys.RuleKey) is { } ruleEntry)
        {
            ruleNode = ruleEntry.Value;
            rule = Text(ruleEntry.Value, "escalate_after rule");
        }
        else
        {
            _problems.At(map, "escalate_after needs rule: (the id of the rule whose action is the earlier step)");
        }

        string? action = null;
        YamlNode? actionNode = null;
        if (map.Find(RulesKeys.ActionKey) is { } actionEntry)
        {
            actionNode = actionEntry.Value;
            action = Text(actionEntry.Value, "escalate_after action");
        }

        TimeSpan? within = null;
        if (map.Find(RulesKeys.Within) is { } withinEntry)
        {
            within = Duration(withinEntry.Value, "escalate_after within");
            if (within is { } w && w > DynamoDbRuleStateStore.LedgerRetention)
            {
                _problems.At(withinEntry.Value, $"escalate_after within is {Durations.Format(w)}; at most {Durations.Format(DynamoDbRuleStateStore.LedgerRetention)} (how long the action ledger keeps what ran)");
                within = null;
            }
        }
        else
        {
            _problems.At(map, "escalate_after needs within: (how recently the earlier step must have run), e.g. within: 15m");
        }

        int? stillMatching = null;
        if (map.Find(RulesKeys.StillMatching) is { } stillEntry)
        {
            stillMatching = IntegerIn(stillEntry.Value, 1);
            if (stillMatching is null && stillEntry.Value is not YamlRejected)
            {
                _problems.At(stillEntry.Value, $"escalate_after still_matching must be a whole number ≥ 1, not {Describe(stillEntry.Value)}");
            }
        }
        else
        {
            _problems.At(map, "escalate_after needs still_matching: (how many matches of this rule since the earlier step show it did not help)");
        }

        return _problems.Count > before || rule is null || within is null || stillMatching is null
            ? null
            : new PendingEscalation(-1, map, rule, ruleNode!, action, actionNode, within.Value, stillMatching.Value);
    }

    /// <summary>Checks each escalation against the rules it names and sets it on its rule; the ladder may not loop.</summary>
    /// <param name="ids">Every id the file gives, its rules with problems included (those are reported on their own).</param>
    private void ResolveEscalations(List<Rule> rules, IReadOnlyList<PendingEscalation> pending, IEnumerable<string> ids)
    {
        var named = ids.ToHashSet(StringComparer.Ordinal);
        var byId = rules.Select((rule, index) => (rule, index)).ToDictionary(r => r.rule.Id, r => r.index, StringComparer.Ordinal);
        foreach (var escalation in pending)
        {
            var rule = rules[escalation.RuleIndex];
            if (!byId.TryGetValue(escalation.Rule, out var earlierIndex))
            {
                if (named.Contains(escalation.Rule))
                {
                    continue; // that rule has problems of its own, reported where they are
                }
                var closest = KeySuggestions.Closest(escalation.Rule, byId.Keys);
                var advice = closest is null ? "" : $" (did you mean '{closest}'?)";
                _problems.At(escalation.RuleNode, $"escalate_after names rule '{Shorten(escalation.Rule)}'{advice}, which this file does not define");
                continue;
            }
            var earlier = rules[earlierIndex];
            if (earlier.Id == rule.Id)
            {
                _problems.At(escalation.RuleNode, "a rule cannot escalate after itself: name the rule whose action is the earlier step");
                continue;
            }
            if (earlier.Cooldown is null)
            {
                _problems.At(escalation.RuleNode,
                    $"rule '{earlier.Id}' has no cooldown: the ledger keeps its actions per triggering record, so there is no last run of a target to escalate after; give it a cooldown:");
                continue;
            }
            if (FindEarlierAction(escalation, earlier) is not { } actionIndex)
            {
                continue;
            }
            if (!SameTargetFields(escalation, rule, earlier.Actions[actionIndex]))
            {
                continue;
            }
            rules[escalation.RuleIndex] = rule with
            {
                EscalateAfter = new Escalation(earlier.Id, actionIndex, earlier.Actions[actionIndex].Type, escalation.Within, escalation.StillMatching,
                    _problems.LocationOf(escalation.Map.Start)),
            };
        }

        foreach (var escalation in pending)
        {
            if (rules[escalation.RuleIndex].EscalateAfter is { } step && LoopsBack(rules, byId, rules[escalation.RuleIndex].Id, step))
            {
                _problems.At(escalation.RuleNode, $"escalate_after leads back to rule '{rules[escalation.RuleIndex].Id}': each step waits for the other, so none would ever run");
            }
        }
    }

    /// <summary>The action of <paramref name="earlier"/> the escalation names: by type, or its only action when unnamed.</summary>
    private int? FindEarlierAction(PendingEscalation escalation, Rule earlier)
    {
        var candidates = earlier.Actions.Select((action, index) => (action, index))
            .Where(a => a.action.Type is not ActionCatalog.Notify and not ActionCatalog.Forward && (escalation.Action is null || a.action.Type == escalation.Action))
            .ToList();
        var node = escalation.ActionNode ?? escalation.Map;
        switch (candidates.Count)
        {
            case 1:
                return candidates[0].index;
            case 0 when escalation.Action is null:
                _problems.At(node, $"rule '{earlier.Id}' has no action to escalate after");
                return null;
            case 0:
                var types = string.Join(", ", earlier.Actions.Select(a => a.Type).Distinct());
                _problems.At(node, $"rule '{earlier.Id}' has no {Shorten(escalation.Action!)} action (its actions: {(types.Length == 0 ? "none" : types)})");
                return null;
            case > 1 when escalation.Action is null:
                _problems.At(node, $"rule '{earlier.Id}' has several actions ({string.Join(", ", candidates.Select(c => c.action.Type))}): name the one to escalate after with action:");
                return null;
            default:
                _problems.At(node, $"rule '{earlier.Id}' has {candidates.Count} {escalation.Action} actions: escalate_after follows a rule with one action of that type");
                return null;
        }
    }

    /// <summary>
    /// The earlier action's target is worked out from this rule's records, so every record field it uses must be the same
    /// for all records of a group: with a threshold, in this rule's group_by.
    /// </summary>
    private bool SameTargetFields(PendingEscalation escalation, Rule rule, RuleAction earlierAction)
    {
        if (rule.Threshold is not { } threshold)
        {
            return true;
        }
        var fields = earlierAction.Parameters.Values
            .SelectMany(t => t.Variables)
            .Where(v => v.RecordField is not null && !v.IsLineText)
            .Select(v => v.RecordField!)
            .Concat(ActionCatalog.Find(earlierAction.Type)!.Parameters
                .Where(p => p.DefaultField is not null && !earlierAction.Parameters.ContainsKey(p.Name))
                .Select(p => p.DefaultField!))
            .Where(field => !threshold.GroupBy.Any(p => SamePath(p, field)))
            .Select(field => field.Text)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (fields.Count == 0)
        {
            return true;
        }
        _problems.At(escalation.RuleNode,
            $"rule '{escalation.Rule}'s {earlierAction.Type} targets what {string.Join(", ", fields)} name, and this rule counts per threshold.group_by " +
            $"({(threshold.GroupBy.Count == 0 ? "nothing" : string.Join(", ", threshold.GroupBy))}): add {(fields.Count == 1 ? "it" : "them")} to group_by, so each group names one target");
        return false;
    }

    private static bool LoopsBack(List<Rule> rules, Dictionary<string, int> byId, string start, Escalation step)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var next = step; next is not null; next = rules[byId[next.RuleId]].EscalateAfter)
        {
            if (next.RuleId == start)
            {
                return true;
            }
            if (!seen.Add(next.RuleId))
            {
                return false;
            }
        }
        return false;
    }
}
