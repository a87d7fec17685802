using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// Bounds on what a hostile log value can make the parser do. Reading is linear in the value's size; these cap the
/// nesting the reader accepts and what is materialised eagerly (see docs/logs.md, "Limits").
/// </summary>
internal static class JsonLimits
{
    /// <summary>Deeper JSON is not JSON to us: the value is kept as text and reported malformed.</summary>
    public const int MaxDepth = 64;

    /// <summary>Labels or annotations kept in <see cref="KubernetesMetadata"/> (the rest stay reachable by path in Fluent Bit records).</summary>
    public const int MaxMapEntries = 256;

    public const int MaxOwnerReferences = 16;

    /// <summary>Log records taken from one OTLP value; more marks the value malformed and the rest are skipped.</summary>
    public const int MaxOtlpRecords = 10_000;

    /// <summary>Longer strings are not considered as a level or a timestamp.</summary>
    public const int MaxShortValueLength = 64;

    /// <summary>The <c>kubernetes.io/created-by</c> annotation is only read below this size.</summary>
    public const int MaxCreatedByLength = 4096;

    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };
}
