using System.Text;
using System.Text.Unicode;
using Automation.Core.Kafka;

namespace Automation.Core.Logs;

/// <summary>
/// Turns a Kafka record's value into log records. Never throws for content: everything in a log line is hostile.
/// <list type="bullet">
/// <item>Empty or white-space-only value: no record, not malformed.</item>
/// <item>Not UTF-8: invalid sequences become U+FFFD (<see cref="LogParseResult.InvalidUtf8"/>), then as below. A UTF-8 BOM is dropped.</item>
/// <item>First non-blank character <c>{</c>: a JSON object, read by shape: an OTLP export (<c>resourceLogs</c>, one record
///   per logRecord), Fluent Bit's kubernetes filter output, or an application's JSON line. If it does not parse
///   (or nests deeper than 64), the value is kept as one plain-text record and reported
///   <see cref="LogParseResult.Malformed"/>: nothing is lost.</item>
/// <item>Anything else: one plain-text record, trailing CR/LF removed (CRLF and LF alike); inner line breaks stay.</item>
/// </list>
/// <para>Message, level and timestamp precedence (first found wins):</para>
/// <list type="table">
/// <item><term>message</term><description>JSON in <c>log</c>: message, msg; then the record: message, msg, log, MESSAGE;
///   else the record's own fields as a JSON object (without kubernetes, stream and time keys). OTLP: body (a string; a map's
///   message or msg, else the map as JSON).</description></item>
/// <item><term>level</term><description>JSON in <c>log</c>, then the record: level, severity, lvl, loglevel, log.level;
///   normalised to trace/debug/info/warn/error/fatal when known, else lower-cased. OTLP: severityText when known, else
///   severityNumber's range, else severityText lower-cased.</description></item>
/// <item><term>timestamp</term><description>JSON in <c>log</c>: timestamp, time, ts, @timestamp; the record: @timestamp,
///   timestamp, time, ts. OTLP: timeUnixNano, observedTimeUnixNano. Then the Kafka timestamp, then
///   <see cref="DateTimeOffset.UnixEpoch"/> with <see cref="LogTimestampSource.Unknown"/>.</description></item>
/// </list>
/// docs/logs.md is the user-facing version of this, with the field path syntax and the limits.
/// </summary>
public sealed class LogRecordParser
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Appends the log records found in <paramref name="record"/> to <paramref name="output"/>.</summary>
    public LogParseResult Parse(KafkaRecord record, List<LogRecord> output)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(output);

        var start = output.Count;
        var value = record.Value;
        var invalidUtf8 = false;
        try
        {
            if (value.Span.StartsWith(Utf8Bom))
            {
                value = value[Utf8Bom.Length..];
            }
            if (!Utf8.IsValid(value.Span))
            {
                // Encoding.UTF8 replaces each invalid sequence with U+FFFD; from here on the bytes are valid UTF-8.
                value = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(value.Span));
                invalidUtf8 = true;
            }

            var first = LogText.FirstNonWhiteSpace(value.Span);
            if (first < 0)
            {
                return new LogParseResult(0, false, invalidUtf8, null);
            }
            if (value.Span[first] != (byte)'{')
            {
                AddText(record, value.Span, output);
                return new LogParseResult(1, false, invalidUtf8, null);
            }
            if (JsonLogReader.TryRead(value, record, output, out var problem))
            {
                return new LogParseResult(output.Count - start, problem is not null, invalidUtf8, problem);
            }
            AddText(record, value.Span, output);
            return new LogParseResult(1, true, invalidUtf8, "value starts like JSON but is not: " + problem);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug of ours must not block a partition either: drop what this record produced and keep its text.
            output.RemoveRange(start, output.Count - start);
            AddText(record, value.Span, output);
            return new LogParseResult(1, true, invalidUtf8, "could not read the value (" + ex.GetType().Name + ")");
        }
    }

    /// <summary>The fallback time: the Kafka record's timestamp, else the Unix epoch flagged unknown.</summary>
    internal static (DateTimeOffset Time, LogTimestampSource Source) KafkaTime(KafkaRecord record) =>
        record.Timestamp is { } time ? (time, LogTimestampSource.Kafka) : (DateTimeOffset.UnixEpoch, LogTimestampSource.Unknown);

    private static void AddText(KafkaRecord record, ReadOnlySpan<byte> utf8, List<LogRecord> output)
    {
        var (time, source) = KafkaTime(record);
        var message = Encoding.UTF8.GetString(LogText.TrimLineEnd(utf8));
        output.Add(new LogRecord(record.Coordinates, time, source, message, null, null, null, LogFields.Empty, LogFormat.Text));
    }
}
