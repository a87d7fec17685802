using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Automation.Core.Kafka;

namespace Automation.Core.Logs;

/// <summary>
/// Reads a Kafka value that is one JSON object: Fluent Bit's kubernetes filter output (<c>log</c>, <c>stream</c>,
/// <c>kubernetes{…}</c>, <c>@timestamp</c>), an application's own JSON line, or an OTLP export (handed to
/// <see cref="OtlpLogReader"/>). One pass over the top level validates the value and notes where the keys we care
/// about are; values are read from those slices only when needed, most of them straight from the bytes. The
/// precedence below is the one docs/logs.md documents.
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

    /// <summary>Where a key's value is and what the scan saw of it; <see cref="JsonTokenType.None"/> when the key is absent.</summary>
    private readonly record struct Slot(int Start, int End, JsonTokenType Type, bool Escaped)
    {
        public Range Range => Start..End;

        /// <summary>A string's bytes between its quotes, still escaped when <see cref="Escaped"/>.</summary>
        public Range Content => (Start + 1)..(End - 1);

        public bool IsPlainString => Type == JsonTokenType.String && !Escaped;
    }

    /// <summary>
    /// Appends the log records of a JSON value. False when it is not a valid JSON object: nothing was appended and
    /// <paramref name="problem"/> says why. True with a problem when records were produced but some were dropped.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> value, KafkaRecord source, List<LogRecord> output, out string? problem)
    {
        var json = value.Span;
        Span<Slot> root = stackalloc Slot[(int)Key.Count];
        if (!TryScan(json, root, out problem))
        {
            return false;
        }

        if (root[(int)Key.ResourceLogs] is { Type: JsonTokenType.StartArray } resourceLogs)
        {
            problem = OtlpLogReader.Read(value, resourceLogs.Range, source, output);
            return true;
        }

        // Read on first use (LogRecord.Kubernetes): most records are never acted on, and the slice is already validated.
        var kubernetes = root[(int)Key.Kubernetes] is { Type: JsonTokenType.StartObject } k ? k.Range : default;

        // An application's JSON line inside "log" (Fluent Bit's Merge_Log): its fields join the record's. An escaped
        // line is unescaped into a rented buffer to be read here; the record's fields unescape it again if looked up.
        var log = root[(int)Key.Log];
        byte[]? rented = null;
        try
        {
            Span<Slot> app = stackalloc Slot[(int)Key.Count];
            var appJson = ReadOnlySpan<byte>.Empty;
            var hasApp = TryReadJsonLine(json, log, ref rented, out appJson) && TryScan(appJson, app, out _);

            var message = (hasApp ? FirstText(appJson, app, AppMessageKeys) : null)
                ?? FirstText(json, root, RootMessageKeys)
                ?? RemainingFields(json);
            var level = (hasApp ? FirstLevel(appJson, app) : null) ?? FirstLevel(json, root);

            var (time, timeSource) = (hasApp && TryFirstTime(appJson, app, AppTimeKeys, out var appTime)) ? (appTime, LogTimestampSource.Record)
                : TryFirstTime(json, root, RootTimeKeys, out var rootTime) ? (rootTime, LogTimestampSource.Record)
                : LogRecordParser.KafkaTime(source);

            var fields = new LogFields(value, hasApp ? log.Range : default, log.Escaped, kubernetes);
            output.Add(new LogRecord(source.Coordinates, time, timeSource, LogText.TrimLineEnd(message), level,
                ReadStream(json, root[(int)Key.Stream]), null, fields, LogFormat.Json));
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private const string LoneSurrogate = "a JSON string escapes half of a UTF-16 surrogate pair";

    /// <summary>
    /// Validates the whole value (depth included, and every escaped string, see <see cref="Decodes"/>) and notes
    /// where the value of each known top-level key is. Afterwards every slice can be read without a JSON error.
    /// </summary>
    private static bool TryScan(ReadOnlySpan<byte> json, Span<Slot> found, out string? problem)
    {
        problem = null;
        return TryScanFast(json, found) || TryScanWithReader(json, found, out problem);
    }

    /// <summary>
    /// <see cref="JsonFastScan"/>'s pass over a well-formed object. It accepts only what the reader accepts (less
    /// lone surrogates); false sends the value to the reader, which decides and words the problem.
    /// </summary>
    private static bool TryScanFast(ReadOnlySpan<byte> json, Span<Slot> found)
    {
        found.Clear();
        var at = JsonFastScan.SkipWhiteSpace(json, 0);
        if (at >= json.Length || json[at] != (byte)'{')
        {
            return false;
        }
        at = JsonFastScan.SkipWhiteSpace(json, at + 1);
        if (at < json.Length && json[at] == (byte)'}')
        {
            return JsonFastScan.SkipWhiteSpace(json, at + 1) == json.Length;
        }
        while (true)
        {
            var nameStart = at;
            if (at >= json.Length || json[at] != (byte)'"' || !JsonFastScan.TryString(json, ref at, out var nameEscaped))
            {
                return false;
            }
            var key = Identify(json[(nameStart + 1)..(at - 1)], nameEscaped);
            at = JsonFastScan.SkipWhiteSpace(json, at);
            if (at >= json.Length || json[at] != (byte)':')
            {
                return false;
            }
            at = JsonFastScan.SkipWhiteSpace(json, at + 1);
            var start = at;
            if (!JsonFastScan.TryValue(json, ref at, 1, out var type, out var escaped))
            {
                return false;
            }
            if (key != Key.Count && found[(int)key].Type == JsonTokenType.None)
            {
                found[(int)key] = new Slot(start, at, type, escaped);
            }
            at = JsonFastScan.SkipWhiteSpace(json, at);
            if (at >= json.Length)
            {
                return false;
            }
            if (json[at] == (byte)'}')
            {
                return JsonFastScan.SkipWhiteSpace(json, at + 1) == json.Length;
            }
            if (json[at] != (byte)',')
            {
                return false;
            }
            at = JsonFastScan.SkipWhiteSpace(json, at + 1);
        }
    }

    private static bool TryScanWithReader(ReadOnlySpan<byte> json, Span<Slot> found, out string? problem)
    {
        found.Clear();
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
                if (!Decodes(ref reader))
                {
                    problem = LoneSurrogate;
                    return false;
                }
                var key = Identify(ref reader);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var type = reader.TokenType;
                var escaped = type == JsonTokenType.String && reader.ValueIsEscaped;
                if (!SkipDecoding(ref reader))
                {
                    problem = LoneSurrogate;
                    return false;
                }
                if (key != Key.Count && found[(int)key].Type == JsonTokenType.None)
                {
                    found[(int)key] = new Slot(start, (int)reader.BytesConsumed, type, escaped);
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

    /// <summary>As <see cref="Utf8JsonReader.Skip"/>, checking every string on the way; false at one that does not decode.</summary>
    private static bool SkipDecoding(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return Decodes(ref reader);
        }
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (!Decodes(ref reader))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// JSON grammar allows <c>"\ud800"</c>, a lone surrogate that no .NET string can hold: reading it later would
    /// throw. Such values are refused while scanning, so every string of an accepted value decodes. Only strings
    /// with a <c>\uD…</c> escape pay for the check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Decodes(ref Utf8JsonReader reader) =>
        reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped || EscapesDecode(ref reader);

    private static bool EscapesDecode(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (raw.IndexOf("\\ud"u8) < 0 && raw.IndexOf("\\uD"u8) < 0)
        {
            return true;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Which key a property name is. Every property name of every record passes here.</summary>
    private static Key Identify(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Identify(reader.ValueSpan);
        }
        // Escaped, no name of ours takes more than 6 bytes per character (12 characters at most).
        const int MaxEscapedName = 6 * 12;
        if (reader.ValueSpan.Length > MaxEscapedName)
        {
            return Key.Count;
        }
        Span<byte> name = stackalloc byte[MaxEscapedName];
        return Identify(name[..reader.CopyString(name)]);
    }

    /// <summary>As <see cref="Identify(ref Utf8JsonReader)"/> for a name's raw bytes (between its quotes).</summary>
    private static Key Identify(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return Identify(raw);
        }
        const int MaxEscapedName = 6 * 12;
        if (raw.Length > MaxEscapedName)
        {
            return Key.Count;
        }
        Span<byte> name = stackalloc byte[MaxEscapedName];
        return JsonUnescape.TryUnescape(raw, name, out var written) ? Identify(name[..written]) : Key.Count;
    }

    private static Key Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("ts"u8) => Key.Ts,
        3 when name.SequenceEqual("log"u8) => Key.Log,
        3 when name.SequenceEqual("msg"u8) => Key.Msg,
        3 when name.SequenceEqual("lvl"u8) => Key.Lvl,
        4 when name.SequenceEqual("time"u8) => Key.Time,
        5 when name.SequenceEqual("level"u8) => Key.Level,
        6 when name.SequenceEqual("stream"u8) => Key.Stream,
        7 when name.SequenceEqual("message"u8) => Key.Message,
        7 when name.SequenceEqual("MESSAGE"u8) => Key.JournalMessage,
        8 when name.SequenceEqual("severity"u8) => Key.Severity,
        8 when name.SequenceEqual("loglevel"u8) => Key.LogLevel,
        9 when name.SequenceEqual("log.level"u8) => Key.EcsLevel,
        9 when name.SequenceEqual("timestamp"u8) => Key.Timestamp,
        10 when name.SequenceEqual("@timestamp"u8) => Key.AtTimestamp,
        10 when name.SequenceEqual("kubernetes"u8) => Key.Kubernetes,
        12 when name.SequenceEqual("resourceLogs"u8) => Key.ResourceLogs,
        _ => Key.Count,
    };

    /// <summary>
    /// The <c>log</c> string's text when it looks like a JSON object (first non-blank character <c>{</c>): a slice
    /// of the value, or unescaped into <paramref name="rented"/> (rented here, returned by the caller). False otherwise,
    /// and the line stays plain text.
    /// </summary>
    private static bool TryReadJsonLine(ReadOnlySpan<byte> json, Slot log, scoped ref byte[]? rented, out ReadOnlySpan<byte> line)
    {
        line = default;
        if (log.Type != JsonTokenType.String)
        {
            return false;
        }
        var raw = json[log.Content];
        var first = LogText.FirstNonWhiteSpace(raw);
        if (first < 0 || raw[first] != (byte)'{')
        {
            return false;
        }
        if (!log.Escaped)
        {
            line = raw;
            return true;
        }
        rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        line = rented.AsSpan(0, Unescape(json, log, rented));
        return true;
    }

    /// <summary>An escaped string slot's text into <paramref name="buffer"/> (at least as long as its content); the length written.</summary>
    private static int Unescape(ReadOnlySpan<byte> json, Slot slot, Span<byte> buffer)
    {
        if (JsonUnescape.TryUnescape(json[slot.Content], buffer, out var written))
        {
            return written;
        }
        var reader = JsonNavigator.Open(json[slot.Range]);
        return reader.CopyString(buffer);
    }

    private static string? FirstText(ReadOnlySpan<byte> json, ReadOnlySpan<Slot> found, Key[] keys)
    {
        foreach (var key in keys)
        {
            var slot = found[(int)key];
            if (slot.Type is JsonTokenType.None or JsonTokenType.Null)
            {
                continue;
            }
            if (slot.IsPlainString)
            {
                return LogText.Decode(LogText.TrimLineEnd(json[slot.Content]));
            }
            if (slot.Type == JsonTokenType.String)
            {
                return ReadLine(json, slot);
            }
            var reader = JsonNavigator.Open(json[slot.Range]);
            return JsonNavigator.ReadAsText(ref reader, json[slot.Range]);
        }
        return null;
    }

    /// <summary>An escaped string value with its trailing CR/LF dropped before decoding (one string, not two).</summary>
    private static string ReadLine(ReadOnlySpan<byte> json, Slot slot)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(slot.End - slot.Start);
        try
        {
            var written = Unescape(json, slot, buffer);
            return LogText.Decode(LogText.TrimLineEnd(buffer.AsSpan(0, written)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? FirstLevel(ReadOnlySpan<byte> json, ReadOnlySpan<Slot> found)
    {
        foreach (var key in LevelKeys)
        {
            var slot = found[(int)key];
            var level = slot.Type switch
            {
                JsonTokenType.String when slot.Escaped => LogLevels.Normalize(JsonNavigator.Open(json[slot.Range]).GetString()),
                JsonTokenType.String => LogLevels.NormalizeUtf8(json[slot.Content]),
                JsonTokenType.Number => LogLevels.FromNumber(json[slot.Range]),
                _ => null,
            };
            if (level is not null)
            {
                return level;
            }
        }
        return null;
    }

    private static bool TryFirstTime(ReadOnlySpan<byte> json, ReadOnlySpan<Slot> found, Key[] keys, out DateTimeOffset time)
    {
        foreach (var key in keys)
        {
            var slot = found[(int)key];
            if (slot.Type == JsonTokenType.Number && LogTimestamps.TryFromEpochText(json[slot.Range], out time))
            {
                return true;
            }
            if (slot.IsPlainString && LogTimestamps.TryParseUtf8(json[slot.Content], out time))
            {
                return true;
            }
            if (slot is { Type: JsonTokenType.String, Escaped: true })
            {
                var reader = JsonNavigator.Open(json[slot.Range]);
                if (LogTimestamps.TryRead(ref reader, out time))
                {
                    return true;
                }
            }
        }
        time = default;
        return false;
    }

    /// <summary>stdout or stderr, which every container runtime writes, without a string per record.</summary>
    private static string? ReadStream(ReadOnlySpan<byte> json, Slot stream)
    {
        if (stream.Type != JsonTokenType.String)
        {
            return null;
        }
        if (stream.Escaped)
        {
            return JsonNavigator.Open(json[stream.Range]).GetString();
        }
        var text = json[stream.Content];
        return text.SequenceEqual("stdout"u8) ? "stdout" : text.SequenceEqual("stderr"u8) ? "stderr" : LogText.Decode(text);
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
