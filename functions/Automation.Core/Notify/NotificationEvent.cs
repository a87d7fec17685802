namespace Automation.Core.Notify;

/// <summary>What a notification is about.</summary>
public enum NotificationEvent
{
    /// <summary>The rule fired and its actions ran.</summary>
    Fired,

    /// <summary>A guardrail held the rule's action back: the budget's circuit open, the allow-list, too few ready replicas...</summary>
    Suppressed,

    /// <summary>An action failed for good.</summary>
    Failed,

    /// <summary>The rule stopped matching for its quiet period after it fired.</summary>
    Resolved,
}
