namespace Automation.Core.Notify;

/// <summary>What a notification is about.</summary>
public enum NotificationEvent
{
    /// <summary>The rule fired and its actions ran.</summary>
    Fired,

    /// <summary>A guardrail stopped the rule's action (budget exhausted: the circuit is open).</summary>
    Suppressed,

    /// <summary>An action failed for good.</summary>
    Failed,

    /// <summary>The rule stopped matching for its quiet period after it fired.</summary>
    Resolved,
}
