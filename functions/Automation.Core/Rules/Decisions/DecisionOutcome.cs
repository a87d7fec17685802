namespace Automation.Core.Rules.Decisions;

/// <summary>What the engine decided for a group of matches.</summary>
public enum DecisionOutcome
{
    /// <summary>The threshold was met and no cooldown held: the action runs (or the rule, without actions, counted).</summary>
    Fired,

    /// <summary>Fewer matches within the window than the threshold asks.</summary>
    BelowThreshold,

    /// <summary>The same action fired (or was claimed) for the same target within the rule's cooldown.</summary>
    InCooldown,

    /// <summary>It would have fired, but the function runs in dry-run: audited, not executed.</summary>
    DryRun,

    /// <summary>
    /// The ledger shows this action already done for the same triggering record: the batch was delivered again (a retry
    /// or a replay). Nothing runs twice.
    /// </summary>
    AlreadyDone,

    /// <summary>
    /// Another invocation claimed this action for the same triggering record and has recorded no outcome yet, and its
    /// lease has not ended: the records are handed back for redelivery, to find it done or take it over.
    /// </summary>
    InProgress,

    /// <summary>
    /// The rule escalates after another rule's action (escalate_after), and that earlier step has not run for this
    /// target within its window, or this rule has not matched often enough since it ran to show it did not help.
    /// </summary>
    NotEscalated,

    /// <summary>
    /// The rule fired for this group and then had no match for its resolve_after: the trouble stopped. Recorded once per
    /// firing, by a batch or a scheduled sweep; it carries no records (the sample is the group's last match).
    /// </summary>
    Resolved,
}
