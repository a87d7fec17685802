namespace Automation.Testing.OpenSearch;

/// <summary>One _bulk request as the fake saw it.</summary>
/// <param name="Items">Actions in the body (0 for a request refused by authentication before its body was read).</param>
/// <param name="BodyBytes">The body as received (compressed, when it was).</param>
/// <param name="NdjsonBytes">The body after decompression.</param>
/// <param name="Status">What the fake answered (0: it hung until the client gave up).</param>
/// <param name="FailedItems">Items answered with an error.</param>
public sealed record BulkRequestRecord(int Items, long BodyBytes, long NdjsonBytes, bool Gzip, int Status, int FailedItems);
