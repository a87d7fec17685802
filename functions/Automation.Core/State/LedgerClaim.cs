namespace Automation.Core.State;

/// <summary>
/// What an invocation asks for when it claims an action in the ledger.
/// </summary>
/// <param name="RequestId">The claiming invocation's request id, recorded so the outcome can be tied to it.</param>
/// <param name="Trigger">The Kafka record that triggered the action (topic-partition@offset): a retried batch carries the same one.</param>
/// <param name="Now">When the claim is made.</param>
/// <param name="Until">Until when the claim keeps others from the same action: the end of the cooldown.</param>
/// <param name="LeaseUntil">
/// Until when the claimant may still be running: its deadline plus a margin for clock skew. A claim still without an
/// outcome after that was abandoned (the invocation crashed or timed out between claim and outcome) and may be taken over.
/// </param>
/// <param name="State">The state written with the claim: <see cref="LedgerState.Claimed"/>, or <see cref="LedgerState.DryRun"/> when nothing will run.</param>
public sealed record LedgerClaim(string RequestId, string Trigger, DateTimeOffset Now, DateTimeOffset Until, DateTimeOffset LeaseUntil, LedgerState State);
