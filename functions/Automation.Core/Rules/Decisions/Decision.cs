using Automation.Core.Kafka;

namespace Automation.Core.Rules.Decisions;

/// <summary>
/// One decision of the engine: for a rule and a group of matching records in one batch, what happened and why.
/// Every decision is written as one audit line.
/// </summary>
/// <param name="Group">The threshold's group_by values (path="value", ...), or the action target without group_by; empty when neither.</param>
/// <param name="BatchMatches">Matches of this group in this batch.</param>
/// <param name="WindowCount">Matches of this group within the threshold window (this batch's included); BatchMatches without a threshold.</param>
/// <param name="Action">The action decided on; null for a rule without actions or a group below its threshold.</param>
/// <param name="Sample">The last matching record of the group: where to look in Kafka.</param>
/// <param name="Records">Indices of the group's matching records in the batch.</param>
/// <param name="LedgerKey">
/// The action's key in the ledger when this decision claimed it (fired, dry-run): the action stage records the outcome
/// under it. Null for every other decision.
/// </param>
/// <param name="Holder">
/// For <see cref="DecisionOutcome.AlreadyDone"/>, the ledger entry that answered: how the action ended when it ran, so a
/// notification that did not go out then can still say so. Null otherwise.
/// </param>
public sealed record Decision(
    string RuleId,
    DecisionOutcome Outcome,
    string Reason,
    string Group,
    int BatchMatches,
    long WindowCount,
    RenderedAction? Action,
    KafkaCoordinates Sample,
    IReadOnlyList<int> Records,
    string? LedgerKey = null,
    State.LedgerEntry? Holder = null);
