namespace Automation.LogForwarder.Bulk;

/// <summary>What one _bulk request got.</summary>
/// <param name="Status">The HTTP status; 0 when no answer came (connection failure, timeout).</param>
/// <param name="Items">The per-item results of a 200 answer, in request order; null otherwise.</param>
/// <param name="BytesSent">The body's size on the wire (compressed, when it was).</param>
/// <param name="Problem">Why the request as a whole failed, for the log; null on a 200 with items.</param>
internal sealed record BulkAnswer(int Status, IReadOnlyList<BulkItemResult>? Items, long BytesSent, string? Problem);
