namespace Automation.Testing.OpenSearch;

/// <summary>
/// What the fake does to one _bulk request instead of (or besides) answering it normally.
/// </summary>
/// <param name="RequestStatus">Answer the whole request with this status (429, 503; 401 or 403 as the security plugin does) and
/// OpenSearch's error body; nothing is stored.</param>
/// <param name="Hang">Never answer: wait until the client gives up.</param>
/// <param name="ItemStatus">For item i (in request order), a status to answer it with instead of storing it (429: the real
/// rejected_execution_exception item; 5xx: unavailable_shards_exception), or null to process it normally.</param>
public sealed record OpenSearchFault(int? RequestStatus = null, bool Hang = false, Func<int, int?>? ItemStatus = null)
{
    public static OpenSearchFault Status(int status) => new(RequestStatus: status);

    public static OpenSearchFault Hung { get; } = new(Hang: true);

    /// <summary>A 200 with errors: true in which the chosen items are rejected with 429.</summary>
    public static OpenSearchFault RejectItems(Func<int, bool> which) => new(ItemStatus: i => which(i) ? 429 : null);

    /// <summary>A 200 with errors: true in which the chosen items fail with <paramref name="status"/>.</summary>
    public static OpenSearchFault FailItems(Func<int, bool> which, int status) => new(ItemStatus: i => which(i) ? status : null);
}
