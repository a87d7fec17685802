namespace Automation.Core.Rules.Settings;

/// <summary>
/// The rules file's top-level <c>forwarding:</c> section, read by LogForwarderFunction: which records are forwarded,
/// where they go, the aggregates and how bulk requests are cut. Every key has a default (<see cref="Default"/>), so
/// the section may be left out. docs/forwarding.md describes each key.
/// </summary>
/// <param name="AllRecords">True: every record is forwarded (<c>records: all</c>); false: only records matched by a rule with a <c>forward</c> action (<c>records: matched</c>).</param>
/// <param name="Drop">Rule ids whose matches are never forwarded (noise), whatever else selects them. They are still counted in the aggregates.</param>
/// <param name="Index">Where documents go when no forward action names an index, e.g. <c>logs-%{yyyy.MM.dd}</c>; null when <paramref name="DataStream"/> is set.</param>
/// <param name="DataStream">A data stream to append to instead of an index (documents are sent with <c>create</c>).</param>
/// <param name="DeadLetterIndex">Where documents that OpenSearch rejects for good go, with the raw record as a string and the error.</param>
/// <param name="Aggregates">Whether per-rule, per-group, per-minute count documents are written.</param>
/// <param name="AggregatesIndex">The aggregates' index.</param>
/// <param name="Samples">At most this many sample messages in each aggregate document.</param>
/// <param name="BulkMaxBytes">The largest uncompressed body of one _bulk request.</param>
/// <param name="Gzip">Whether bulk bodies are sent gzip-compressed.</param>
public sealed record ForwardingSettings(
    bool AllRecords,
    IReadOnlyList<string> Drop,
    IndexPattern? Index,
    string? DataStream,
    IndexPattern DeadLetterIndex,
    bool Aggregates,
    IndexPattern AggregatesIndex,
    int Samples,
    long BulkMaxBytes,
    bool Gzip)
{
    public const long DefaultBulkMaxBytes = 5L * 1024 * 1024;

    /// <summary>The smallest and largest bulk body accepted: OpenSearch refuses bodies over http.max_content_length (100 MiB by default, less on small managed domains).</summary>
    public const long MinBulkMaxBytes = 1024, MaxBulkMaxBytes = 100L * 1024 * 1024;

    public const int MaxSamples = 20;

    /// <summary>
    /// Where the audit lines of the action functions go (docs/audit.md, "Searching the audit trail"): one document per
    /// line, from the CloudWatch Logs subscription of their log groups. Date parts are filled from each line's time.
    /// </summary>
    public IndexPattern AuditIndex { get; init; } = DefaultAuditIndex;

    /// <summary>The audit index when <c>audit_index:</c> is left out.</summary>
    public static IndexPattern DefaultAuditIndex { get; } = IndexPattern.Parse("automation-audit");

    /// <summary>What a rules file without <c>forwarding:</c> gets.</summary>
    public static ForwardingSettings Default { get; } = new(
        AllRecords: true,
        Drop: [],
        Index: IndexPattern.Parse("logs-%{yyyy.MM.dd}"),
        DataStream: null,
        DeadLetterIndex: IndexPattern.Parse("logs-dead-letter-%{yyyy.MM}"),
        Aggregates: true,
        AggregatesIndex: IndexPattern.Parse("logs-aggregates-%{yyyy.MM}"),
        Samples: 3,
        BulkMaxBytes: DefaultBulkMaxBytes,
        Gzip: true);
}
