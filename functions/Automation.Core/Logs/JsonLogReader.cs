using System.Buffers;
using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.Core.Logs;

/// <summary>
/// Reads a Kafka value that is one JSON object: Fluent Bit's kubernetes filter output (<c>log</c>, <c>stream</c>,
/// <c>kubernetes{…}</c>, <c>@timestamp</c>), an application's own JSON line, or an OTLP export (handed to
/// <see cref="OtlpLogReader"/>). One pass over the top level notes where the keys we care about are; values are
/// read from those slices only when needed. The precedence below is the one docs/logs.md documents.
/// </summary>
internal static class JsonLogReader
{
    /// <summary>Top-level keys with a meaning. The value of the first occurrence of each is noted.</summary>
    private enum Key
    {
        Log, Message, Msg, JournalMessage,
        Level, Severity, Lvl, LogLevel, EcsLevel,
        Timestamp, Time, Ts, AtTimestamp,
        Stream, Kubernetes, ResourceLogs,
        Count,
    }

    private static readonly Key[] AppMessageKeys = [Key.Message, Key.Msg];
    private static readonly Key[] RootMessageKeys = [Key.Message, Key.Msg, Key.Log, Key.JournalMessage];
    private static readonly Key[] LevelKeys = [Key.Level, Key.Severity, Key.Lvl, Key.LogLevel, Key.EcsLevel];
    private static readonly Key[] AppTimeKeys = [Key.Timestamp, Key.Time, Key.Ts, Key.AtTimestamp];
    private static readonly Key[] RootTimeKeys = [Key.AtTimestamp, Key.Timestamp, Key.Time, Key.Ts];

    /// <summary>
    /// Appends the log records of a JSON value. False when it is not a valid JSON object: nothing was appended and
    /// <paramref name="problem"/> says why. True with a problem when records were produced but some were dropped.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> value, KafkaRecord source, List<LogRecord> output, out string? problem)
    {
        var json = value.Span;
        Span<Range> root = stackalloc Range[(int)Key.Count];
        if (!TryScan(json, root, out problem))
        {
            return false;
        }

        if (Has(root, Key.ResourceLogs) && json[root[(int)Key.ResourceLogs].Start] == (byte)'[')
        {
            problem = OtlpLogReader.Read(value, root[(int)Key.ResourceLogs], source, output);
            return true;
        }

        KubernetesMetadata? kubernetes = null;
        if (Has(root, Key.Kubernetes))
        {
            var reader = JsonNavigator.Open(json[root[(int)Key.Kubernetes]]);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                kubernetes = KubernetesMetadataReader.Read(ref reader);
            }
        }

        // An application's JSON line inside "log" (Fluent Bit's Merge_Log): its fields join the record's.
        var app = ReadOnlyMemory<byte>.Empty;
        Span<Range> appKeys = stackalloc Range[(int)Key.Count];
        if (Has(root, Key.Log) && TryUnescapeJsonLine(value, root[(int)Key.Log]) is { } line && TryScan(line.Span, appKeys, out _))
        {
            app = line;
        }
        var hasApp = !app.IsEmpty;
        var appJson = app.Span;

        var message = (hasApp ? FirstText(appJson, appKeys, AppMessageKeys) : null)
            ?? FirstText(json, root, RootMessageKeys)
            ?? RemainingFields(json);
        var level = (hasApp ? FirstLevel(appJson, appKeys) : null) ?? FirstLevel(json, root);

        var (time, timeSource) = (hasApp && TryFirstTime(appJson, appKeys, AppTimeKeys, out var appTime)) ? (appTime, LogTimestampSource.Record)
            : TryFirstTime(json, root, RootTimeKeys, out var rootTime) ? (rootTime, LogTimestampSource.Record)
            : LogRecordParser.KafkaTime(source);

        string? stream = null;
        if (Has(root, Key.Stream))
        {
            var reader = JsonNavigator.Open(json[root[(int)Key.Stream]]);
            stream = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }

        var fields = hasApp
            ? new LogFields(new JsonFieldLayer(value), new JsonFieldLayer(app, "log"), new JsonFieldLayer(app))
            : new LogFields(new JsonFieldLayer(value));
        output.Add(new LogRecord(source.Coordinates, time, timeSource, LogText.TrimLineEnd(message), level, stream,
            kubernetes, fields, LogFormat.Json));
        return true;
    }

    /// <summary>
    /// Validates the whole value (depth included) and notes the value range of each known top-level key. Afterwards
    /// every slice can be read without a JSON error.
    /// </summary>
    private static bool TryScan(ReadOnlySpan<byte> json, Span<Range> found, out string? problem)
    {
        found.Clear();
        if (!EscapedStringsDecode(json))
        {
            problem = "a JSON string escapes half of a UTF-16 surrogate pair";
            return false;
        }
        var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "not a JSON object";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = Identify(ref reader);
                reader.Read();
                var range = JsonNavigator.ValueRange(ref reader);
                if (key != Key.Count && found[(int)key].End.Value == 0)
                {
                    found[(int)key] = range;
                }
            }
            // Only white space may follow the object; anything else makes the reader throw here.
            reader.Read();
            problem = null;
            return true;
        }
        catch (JsonException)
        {
            problem = reader.CurrentDepth >= JsonLimits.MaxDepth - 1
                ? $"JSON nested deeper than {JsonLimits.MaxDepth} levels"
                : $"invalid JSON near byte {reader.BytesConsumed}";
            return false;
        }
    }

    /// <summary>
    /// JSON grammar allows <c>"\ud800"</c>, a lone surrogate that no .NET string can hold: reading it later would
    /// throw. Such values are refused here, so every string of an accepted value decodes. Only values with a
    /// <c>\uD…</c> escape pay for the check.
    /// </summary>
    private static bool EscapedStringsDecode(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\\ud"u8) < 0 && json.IndexOf("\\uD"u8) < 0)
        {
            return true;
        }
        var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions);
        byte[]? rented = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    var length = reader.ValueSpan.Length;
                    if (rented is null || rented.Length < length)
                    {
                        if (rented is not null)
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }
                        rented = ArrayPool<byte>.Shared.Rent(length);
                    }
                    reader.CopyString(rented);
                }
            }
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (JsonException)
        {
            return true; // not JSON at all: the scan itself reports it
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static Key Identify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("log"u8) ? Key.Log
        : reader.ValueTextEquals("message"u8) ? Key.Message
        : reader.ValueTextEquals("msg"u8) ? Key.Msg
        : reader.ValueTextEquals("MESSAGE"u8) ? Key.JournalMessage
        : reader.ValueTextEquals("level"u8) ? Key.Level
        : reader.ValueTextEquals("severity"u8) ? Key.Severity
        : reader.ValueTextEquals("lvl"u8) ? Key.Lvl
        : reader.ValueTextEquals("loglevel"u8) ? Key.LogLevel
        : reader.ValueTextEquals("log.level"u8) ? Key.EcsLevel
        : reader.ValueTextEquals("timestamp"u8) ? Key.Timestamp
        : reader.ValueTextEquals("time"u8) ? Key.Time
        : reader.ValueTextEquals("ts"u8) ? Key.Ts
        : reader.ValueTextEquals("@timestamp"u8) ? Key.AtTimestamp
        : reader.ValueTextEquals("stream"u8) ? Key.Stream
        : reader.ValueTextEquals("kubernetes"u8) ? Key.Kubernetes
        : reader.ValueTextEquals("resourceLogs"u8) ? Key.ResourceLogs
        : Key.Count;

    private static bool Has(ReadOnlySpan<Range> found, Key key) => found[(int)key].End.Value != 0;

    /// <summary>
    /// The unescaped bytes of the <c>log</c> string when it looks like a JSON object (first non-blank character
    /// <c>{</c>); otherwise null, and the line stays plain text.
    /// </summary>
    private static ReadOnlyMemory<byte>? TryUnescapeJsonLine(ReadOnlyMemory<byte> value, Range logRange)
    {
        var reader = JsonNavigator.Open(value.Span[logRange]);
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }
        var raw = reader.ValueSpan;
        var first = LogText.FirstNonWhiteSpace(raw);
        if (first < 0 || raw[first] != (byte)'{')
        {
            return null;
        }
        if (!reader.ValueIsEscaped)
        {
            // The string's bytes need no unescaping: slice the value instead of copying (skip the opening quote).
            return value.Slice(logRange.Start.Value + 1, raw.Length);
        }
        var unescaped = new byte[raw.Length];
        var written = reader.CopyString(unescaped);
        return unescaped.AsMemory(0, written);
    }

    private static string? FirstText(ReadOnlySpan<byte> json, ReadOnlySpan<Range> found, Key[] keys)
    {
        foreach (var key in keys)
        {
            if (!Has(found, key))
            {
                continue;
            }
            var slice = json[found[(int)key]];
            var reader = JsonNavigator.Open(slice);
            if (reader.TokenType == JsonTokenType.String)
            {
                return ReadLine(ref reader);
            }
            if (JsonNavigator.ReadAsText(ref reader, slice) is { } text)
            {
                return text;
            }
        }
        return null;
    }

    /// <summary>A string value with its trailing CR/LF dropped before decoding (one string, not two).</summary>
    private static string ReadLine(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return LogText.Decode(LogText.TrimLineEnd(reader.ValueSpan));
        }
        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var written = reader.CopyString(buffer);
            return LogText.Decode(LogText.TrimLineEnd(buffer.AsSpan(0, written)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? FirstLevel(ReadOnlySpan<byte> json, ReadOnlySpan<Range> found)
    {
        foreach (var key in LevelKeys)
        {
            if (!Has(found, key))
            {
                continue;
            }
            var reader = JsonNavigator.Open(json[found[(int)key]]);
            var level = reader.TokenType switch
            {
                JsonTokenType.String => LogLevels.Normalize(reader.GetString()),
                JsonTokenType.Number => LogLevels.FromNumber(LogText.Decode(reader.ValueSpan)),
                _ => null,
            };
            if (level is not null)
            {
                return level;
            }
        }
        return null;
    }

    private static bool TryFirstTime(ReadOnlySpan<byte> json, ReadOnlySpan<Range> found, Key[] keys, out DateTimeOffset time)
    {
        foreach (var key in keys)
        {
            if (!Has(found, key))
            {
                continue;
            }
            var reader = JsonNavigator.Open(json[found[(int)key]]);
            if (LogTimestamps.TryRead(ref reader, out time))
            {
                return true;
            }
        }
        time = default;
        return false;
    }

    /// <summary>
    /// The message of a record that has none of the message keys (for example a Fluent Bit parser that named its
    /// capture <c>default_parser</c>): the record's own fields as a JSON object, without the transport's metadata,
    /// so that text rules still see the content. Empty when nothing is left.
    /// </summary>
    private static string RemainingFields(ReadOnlySpan<byte> json)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions);
        reader.Read();
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var nameEnd = nameStart + reader.ValueSpan.Length + 2; // the quotes around the raw name
            var skip = IsTransportMetadata(ref reader);
            reader.Read();
            var value = JsonNavigator.ValueRange(ref reader);
            if (skip)
            {
                continue;
            }
            buffer.Write(any ? ","u8 : "{"u8);
            buffer.Write(json[nameStart..nameEnd]);
            buffer.Write(":"u8);
            buffer.Write(json[value]);
            any = true;
        }
        if (!any)
        {
            return "";
        }
        buffer.Write("}"u8);
        return LogText.Decode(buffer.WrittenSpan);
    }

    private static bool IsTransportMetadata(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("kubernetes"u8) || reader.ValueTextEquals("kubernetes_namespace"u8)
        || reader.ValueTextEquals("stream"u8) || reader.ValueTextEquals("@timestamp"u8)
        || reader.ValueTextEquals("time"u8) || reader.ValueTextEquals("timestamp"u8)
        || reader.ValueTextEquals("ts"u8) || reader.ValueTextEquals("_p"u8);
}
