using Automation.Core.Rules.Actions;

namespace Automation.Core.Rules.Decisions;

/// <summary>
/// Which decisions a caller makes. Each function decides only the actions it executes (the others belong to other
/// functions, which read the same topic with their own consumer group); rules without actions are decided by the
/// function that annotates logs; notify goes with the rule's other actions (a rule that only notifies goes to
/// <see cref="ActionCatalog.NotifyOnlyFunction"/>). The CLI decides everything.
/// </summary>
/// <param name="Name">Names the counters in the state store, so functions reading the same records do not count them twice.</param>
/// <param name="ActionTypes">The action types decided; null for all.</param>
/// <param name="RulesWithoutActions">Whether rules without actions are decided (counted and audited).</param>
/// <param name="NotifyOnlyRules">Whether rules whose only actions are notify are decided.</param>
public sealed record DecisionScope(string Name, IReadOnlySet<string>? ActionTypes, bool RulesWithoutActions, bool NotifyOnlyRules = false)
{
    public static DecisionScope Everything(string name) => new(name, ActionTypes: null, RulesWithoutActions: true, NotifyOnlyRules: true);

    /// <summary>What a deployed function decides: the action types it owns in the catalog; rules without actions go to the log forwarder, which annotates.</summary>
    public static DecisionScope ForFunction(string function) => new(
        function,
        ActionCatalog.OwnedBy(function).Select(action => action.Type).ToHashSet(StringComparer.Ordinal),
        RulesWithoutActions: function == ActionCatalog.LogForwarderFunction,
        NotifyOnlyRules: function == ActionCatalog.NotifyOnlyFunction);

    /// <summary>
    /// Whether this caller decides <paramref name="action"/> of <paramref name="rule"/>. Notify goes with the rule's
    /// restarts and rollbacks, which it reports on; without those (forward only annotates) the rule only notifies.
    /// </summary>
    public bool Decides(Rule rule, RuleAction action)
    {
        if (action.Type != ActionCatalog.Notify)
        {
            return DecidesType(action.Type);
        }
        if (ActionTypes is null)
        {
            return true;
        }
        var reportsOn = false;
        foreach (var other in rule.Actions)
        {
            if (other.Type is ActionCatalog.Notify or ActionCatalog.Forward)
            {
                continue;
            }
            if (DecidesType(other.Type))
            {
                return true;
            }
            reportsOn = true;
        }
        return !reportsOn && NotifyOnlyRules;
    }

    public bool Decides(Rule rule) => rule.Actions.Count == 0 ? RulesWithoutActions : rule.Actions.Any(a => Decides(rule, a));

    private bool DecidesType(string type) => ActionTypes is null || ActionTypes.Contains(type);
}
