namespace Automation.Core.Pipeline;

/// <summary>The one line a function logs per batch: how much came in, what could not be read, what must be retried.</summary>
/// <param name="Records">Kafka records in the event, decoded or not.</param>
/// <param name="LogRecords">Log records parsed out of them (an OTLP record may carry many).</param>
/// <param name="Bytes">Decoded value bytes.</param>
/// <param name="DecodeFailures">Records skipped because the event entry was unusable (bad base64, missing coordinates).</param>
/// <param name="ParseFailures">Values that looked structured but did not parse; kept as plain text.</param>
/// <param name="InvalidUtf8">Values with bytes that are not UTF-8; replaced characters.</param>
/// <param name="Retried">Records reported for redelivery.</param>
public sealed record BatchSummary(
    string Function,
    string RequestId,
    int Records,
    int LogRecords,
    long Bytes,
    int DecodeFailures,
    int ParseFailures,
    int InvalidUtf8,
    int Retried,
    TimeSpan Duration);
