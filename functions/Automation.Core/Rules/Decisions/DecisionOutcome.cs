namespace Automation.Core.Rules.Decisions;

/// <summary>What the engine decided for a group of matches.</summary>
public enum DecisionOutcome
{
    /// <summary>The threshold was met and no cooldown held: the action runs (or the rule, without actions, counted).</summary>
    Fired,

    /// <summary>Fewer matches within the window than the threshold asks.</summary>
    BelowThreshold,

    /// <summary>The same action fired for the same target within the rule's cooldown.</summary>
    InCooldown,

    /// <summary>It would have fired, but the function runs in dry-run: audited, not executed.</summary>
    DryRun,
}
