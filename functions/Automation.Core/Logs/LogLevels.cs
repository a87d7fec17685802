using System.Text;

namespace Automation.Core.Logs;

/// <summary>
/// Normalises the many spellings of a log level to trace, debug, info, warn, error, fatal (docs/logs.md has the
/// table). A word outside the table is kept, lower-cased, so rules can still match it.
/// </summary>
internal static class LogLevels
{
    public const string Trace = "trace";
    public const string Debug = "debug";
    public const string Info = "info";
    public const string Warn = "warn";
    public const string Error = "error";
    public const string Fatal = "fatal";

    /// <summary>A level word from a record; null for blank or over-long text.</summary>
    public static string? Normalize(string? text) => Normalize(text.AsSpan());

    /// <summary>As <see cref="Normalize(string?)"/>; a known word costs no allocation.</summary>
    public static string? Normalize(ReadOnlySpan<char> text)
    {
        var word = text.Trim();
        if (word.IsEmpty || word.Length > JsonLimits.MaxShortValueLength)
        {
            return null;
        }
        if (TryKnown(word) is { } known)
        {
            return known;
        }
        Span<char> lower = stackalloc char[JsonLimits.MaxShortValueLength];
        return new string(lower[..word.ToLowerInvariant(lower)]);
    }

    /// <summary>As <see cref="Normalize(string?)"/> for the UTF-8 text of an unescaped JSON string.</summary>
    public static string? NormalizeUtf8(ReadOnlySpan<byte> utf8)
    {
        // The words nearly every record spells exactly so, without decoding and lower-casing them.
        if (utf8.SequenceEqual("info"u8))
        {
            return Info;
        }
        if (utf8.SequenceEqual("error"u8))
        {
            return Error;
        }
        if (utf8.SequenceEqual("warn"u8))
        {
            return Warn;
        }
        if (utf8.SequenceEqual("debug"u8))
        {
            return Debug;
        }
        // Decoded, UTF-8 never has more chars than bytes. Longer text is decoded whole, so it trims exactly as before.
        const int MaxStackBytes = 256;
        if (utf8.Length > MaxStackBytes)
        {
            return Normalize(LogText.Decode(utf8));
        }
        Span<char> text = stackalloc char[MaxStackBytes];
        return Normalize(text[..Encoding.UTF8.GetChars(utf8, text)]);
    }

    /// <summary>The normalised level when the word is one we know, else null.</summary>
    public static string? TryKnown(ReadOnlySpan<char> word)
    {
        Span<char> lower = stackalloc char[16];
        if (word.Length > lower.Length)
        {
            return null;
        }
        lower = lower[..word.ToLowerInvariant(lower)];
        return lower switch
        {
            "trace" or "trc" or "finest" or "finer" => Trace,
            "debug" or "dbg" or "fine" or "verbose" => Debug,
            "info" or "inf" or "information" or "informational" or "notice" => Info,
            "warn" or "warning" or "wrn" => Warn,
            "error" or "err" or "eror" or "severe" => Error,
            "fatal" or "ftl" or "critical" or "crit" or "panic" or "alert" or "emerg" or "emergency" => Fatal,
            _ => null,
        };
    }

    /// <summary>
    /// A numeric level: pino and bunyan use 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. Other numbers
    /// have no agreed meaning (syslog counts the other way) and are kept as their text.
    /// </summary>
    public static string FromNumber(ReadOnlySpan<byte> number) => number switch
    {
        [(byte)'1', (byte)'0'] => Trace,
        [(byte)'2', (byte)'0'] => Debug,
        [(byte)'3', (byte)'0'] => Info,
        [(byte)'4', (byte)'0'] => Warn,
        [(byte)'5', (byte)'0'] => Error,
        [(byte)'6', (byte)'0'] => Fatal,
        _ => LogText.Decode(number),
    };

    /// <summary>OTLP <c>severityNumber</c>: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal.</summary>
    public static string? FromSeverityNumber(long severity) => severity switch
    {
        >= 1 and <= 4 => Trace,
        >= 5 and <= 8 => Debug,
        >= 9 and <= 12 => Info,
        >= 13 and <= 16 => Warn,
        >= 17 and <= 20 => Error,
        >= 21 and <= 24 => Fatal,
        _ => null,
    };
}
