using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Decisions;

namespace Automation.Core.Actions;

/// <summary>One fired decision handed to its executor.</summary>
/// <param name="Decision">The decision, with the rendered action and its ledger key (already claimed).</param>
/// <param name="Trigger">The group's last matching record: its metadata (pod, namespace, owner) is the trusted source of targets.</param>
/// <param name="Batch">The whole batch, for executors that need more of the group's records (sample lines).</param>
/// <param name="Context">The invocation: request id and deadline.</param>
public sealed record ActionRequest(Decision Decision, LogRecord Trigger, ParsedBatch Batch, LambdaContext Context);
