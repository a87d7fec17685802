using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Notify;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Telemetry;

namespace Automation.Core.Pipeline;

/// <summary>What INIT has built for a function's action stage: its validated settings and rules (the functions'
/// sections included), log, secrets (already read once), the action ledger (outcomes and budgets, on the function's
/// state store) and clock.</summary>
public sealed record FunctionServices(FunctionSettings Settings, RuleSet Rules, JsonLog Log, FunctionSecrets Secrets, ActionLedger Ledger, TimeProvider Time)
{
    /// <summary>The function's embedded-metric writer (docs/metrics.md); none unless INIT sets it.</summary>
    public EmbeddedMetrics Metrics { get; init; } = EmbeddedMetrics.None;

    /// <summary>Where notify actions send (docs/notify.md); null when the function has no channel configured.</summary>
    public Notifier? Notifier { get; init; }
}
