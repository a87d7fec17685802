namespace Automation.Core.State;

/// <summary>Where an action claimed in the ledger stands. Stored as its snake_case name (<see cref="LedgerStates"/>).</summary>
public enum LedgerState
{
    /// <summary>Claimed by an invocation that has not recorded an outcome yet: it is acting, or it died trying.</summary>
    Claimed,

    /// <summary>The action ran and did what it should.</summary>
    Succeeded,

    /// <summary>The action ran and failed.</summary>
    Failed,

    /// <summary>Planned in dry-run: nothing was executed.</summary>
    DryRun,

    /// <summary>Decided but deliberately not executed (a guard or budget stopped it, or the function has no action stage).</summary>
    Skipped,
}
