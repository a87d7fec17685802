namespace Automation.Core.Rules.Decisions;

/// <summary>
/// The invocation deciding: its request id goes into the action ledger with every claim, and it cannot act after its
/// deadline (Lambda stops it), which bounds how long its claims wait for an outcome.
/// </summary>
public sealed record Invocation(string RequestId, DateTimeOffset Deadline);
