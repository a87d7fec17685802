namespace Automation.Core.Actions;

/// <summary>How an action ended, as its executor reports it.</summary>
public enum ActionStatus
{
    /// <summary>It did what it should (the API accepted the call).</summary>
    Succeeded,

    /// <summary>It failed for good (403, 404, 422, a guard that refuses the target): audited, not retried; the cooldown holds.</summary>
    Failed,

    /// <summary>A guardrail stopped it before any call (budget exhausted, blast radius, dry-run of the rule): the claim is released.</summary>
    Suppressed,

    /// <summary>It could not finish within this invocation (rate limit, outage past the deadline): the records are delivered again.</summary>
    Retry,

    /// <summary>
    /// It had nothing to do (a notification with nothing new to tell): audited at info level, not counted as an action
    /// a guardrail stopped; the claim is released.
    /// </summary>
    Skipped,
}
