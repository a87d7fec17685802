namespace Automation.Core.Notify;

/// <summary>One notice to people about a rule: what matched, what was done, and links to follow.</summary>
/// <param name="Id">A stable idempotency key (e.g. ledger key, trigger and event): the same notice sent twice has the
/// same id. It is the "id" of the JSON message and, hashed, the SQS FIFO deduplication id.</param>
/// <param name="Function">The function that sends it, e.g. PodRestartFunction.</param>
/// <param name="RequestId">The Lambda request id of the invocation that sends it.</param>
/// <param name="Group">The threshold group's text; it may quote log values, so it is treated as hostile.</param>
/// <param name="Summary">One line from the rule's template or a default; may contain log text (hostile).</param>
/// <param name="Triggers">Kafka coordinates (topic-partition@offset) of the records that triggered the rule.</param>
/// <param name="At">When the event happened.</param>
public sealed record Notification(
    string Id,
    string Function,
    string RequestId,
    string RuleId,
    string? RuleDescription,
    NotificationEvent Event,
    string Group,
    string Summary,
    IReadOnlyList<NotifiedAction> Actions,
    IReadOnlyList<string> Triggers,
    DateTimeOffset At);
