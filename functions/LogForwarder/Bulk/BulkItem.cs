using Automation.Core.Kafka;

namespace Automation.LogForwarder.Bulk;

/// <summary>
/// One action of a _bulk request (action line and source line, both ending in a newline), kept as a slice of the
/// batch's <see cref="BulkItems"/> buffer so that a retry resends exactly the failed items without rebuilding them.
/// </summary>
/// <param name="Operation">index, create or update.</param>
/// <param name="Records">The Kafka records this item stands for: delivered again when it cannot be sent in time.</param>
/// <param name="Raw">What a dead letter keeps of it as text: the record's value; null for the item's own source line (an aggregate's update).</param>
internal sealed record BulkItem(
    BulkItemKind Kind,
    string Operation,
    string Index,
    string Id,
    int Start,
    int Length,
    IReadOnlyList<KafkaCoordinates> Records,
    Func<string>? Raw);
