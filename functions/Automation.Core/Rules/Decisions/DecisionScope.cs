using Automation.Core.Rules.Actions;

namespace Automation.Core.Rules.Decisions;

/// <summary>
/// Which decisions a caller makes. Each function decides only the actions it executes (the others belong to other
/// functions, which read the same topic with their own consumer group); rules without actions are decided by the
/// function that annotates logs. The CLI decides everything.
/// </summary>
/// <param name="Name">Names the counters in the state store, so functions reading the same records do not count them twice.</param>
/// <param name="ActionTypes">The action types decided; null for all.</param>
/// <param name="RulesWithoutActions">Whether rules without actions are decided (counted and audited).</param>
public sealed record DecisionScope(string Name, IReadOnlySet<string>? ActionTypes, bool RulesWithoutActions)
{
    public static DecisionScope Everything(string name) => new(name, ActionTypes: null, RulesWithoutActions: true);

    /// <summary>What a deployed function decides: the action types it owns in the catalog; rules without actions go to the log forwarder, which annotates.</summary>
    public static DecisionScope ForFunction(string function) => new(
        function,
        ActionCatalog.OwnedBy(function).Select(action => action.Type).ToHashSet(StringComparer.Ordinal),
        RulesWithoutActions: function == ActionCatalog.LogForwarderFunction);

    public bool Decides(RuleAction action) => ActionTypes is null || ActionTypes.Contains(action.Type);

    public bool Decides(Rule rule) => rule.Actions.Count == 0 ? RulesWithoutActions : rule.Actions.Any(Decides);
}
