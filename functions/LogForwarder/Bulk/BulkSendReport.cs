namespace Automation.LogForwarder.Bulk;

/// <summary>What sending a batch's items came to.</summary>
/// <param name="Unsent">Items not stored (nor dead-lettered) when time ran out, or whose dead letter was refused too.</param>
/// <param name="DeadLettered">Items OpenSearch refused for good, stored in the dead-letter index instead.</param>
/// <param name="Requests">_bulk requests sent, retries included.</param>
/// <param name="Rounds">Rounds of sending: 1 when nothing was retried.</param>
/// <param name="BytesUncompressed">NDJSON bytes of all requests.</param>
/// <param name="BytesSent">Body bytes on the wire (compressed, when gzip is on).</param>
/// <param name="LastProblem">The last failure seen (HTTP status, item error type), for the log.</param>
/// <param name="AuthFailure">401 or 403 when OpenSearch refused the credentials and sending stopped at once; null otherwise.</param>
internal sealed record BulkSendReport(
    IReadOnlyList<BulkItem> Unsent,
    int DeadLettered,
    int Requests,
    int Rounds,
    long BytesUncompressed,
    long BytesSent,
    string? LastProblem,
    int? AuthFailure = null);
