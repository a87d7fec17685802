namespace Automation.Core.State;

/// <summary>The names <see cref="LedgerState"/> values are stored and audited under.</summary>
public static class LedgerStates
{
    public static string Name(LedgerState state) => state switch
    {
        LedgerState.Claimed => "claimed",
        LedgerState.Succeeded => "succeeded",
        LedgerState.Failed => "failed",
        LedgerState.DryRun => "dry_run",
        _ => "skipped",
    };

    public static LedgerState Parse(string? name) => name switch
    {
        "succeeded" => LedgerState.Succeeded,
        "failed" => LedgerState.Failed,
        "dry_run" => LedgerState.DryRun,
        "skipped" => LedgerState.Skipped,
        _ => LedgerState.Claimed,
    };
}
