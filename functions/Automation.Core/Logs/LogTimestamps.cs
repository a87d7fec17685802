using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// Reads the time of a log record from what producers write: RFC 3339 / ISO 8601 text (any number of fraction
/// digits; no offset means UTC), or an epoch number (as a JSON number or digits in a string) whose unit is told
/// by its size: below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
/// Zero, negative and out-of-range values are not times.
/// </summary>
internal static class LogTimestamps
{
    private const decimal SecondsLimit = 1e11m;
    private const decimal MillisLimit = 1e14m;
    private const decimal MicrosLimit = 1e17m;

    /// <summary>Reads the current token (string or number); false when it is not a usable time.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, out DateTimeOffset time)
    {
        time = default;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return TryFromEpochText(reader.ValueSpan, out time);
        }
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > JsonLimits.MaxShortValueLength * 2)
        {
            return false;
        }
        // Unescaped and transcoded, a string never has more chars than its raw bytes.
        Span<char> text = stackalloc char[JsonLimits.MaxShortValueLength * 2];
        return TryParseText(text[..reader.CopyString(text)], out time);
    }

    /// <summary>As <see cref="TryRead"/> for the UTF-8 text of an unescaped JSON string.</summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        time = default;
        if (utf8.Length > JsonLimits.MaxShortValueLength * 2)
        {
            return false;
        }
        // Decoded, UTF-8 never has more chars than bytes.
        Span<char> text = stackalloc char[JsonLimits.MaxShortValueLength * 2];
        return TryParseText(text[..Encoding.UTF8.GetChars(utf8, text)], out time);
    }

    public static bool TryParseText(ReadOnlySpan<char> text, out DateTimeOffset time)
    {
        time = default;
        var span = text.Trim();
        if (span.IsEmpty || span.Length > JsonLimits.MaxShortValueLength)
        {
            return false;
        }
        if (IsEpochText(span))
        {
            Span<byte> ascii = stackalloc byte[span.Length];
            for (var i = 0; i < span.Length; i++)
            {
                ascii[i] = (byte)span[i];
            }
            return TryFromEpochText(ascii, out time);
        }
        return TryParseIso(span, out time);
    }

    /// <summary>Nanoseconds since the epoch (OTLP); zero means unset.</summary>
    public static bool TryFromUnixNanos(ulong nanos, out DateTimeOffset time)
    {
        time = default;
        if (nanos == 0)
        {
            return false;
        }
        time = DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));
        return true;
    }

    private static bool IsEpochText(ReadOnlySpan<char> span)
    {
        var dot = false;
        foreach (var c in span)
        {
            if (c == '.' && !dot)
            {
                dot = true;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An epoch number's JSON text (or the digits of a string).</summary>
    public static bool TryFromEpochText(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        if (!TryTicksFromDigits(utf8, out var ticks, out var zero))
        {
            return TryFromEpochDecimal(utf8, out time);
        }
        time = default;
        if (zero || ticks >= DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks)
        {
            return false;
        }
        time = DateTimeOffset.UnixEpoch.AddTicks(ticks);
        return true;
    }

    /// <summary>
    /// What every record's epoch looks like (<c>1554141513.598656</c>: digits, an optional fraction, at most 18
    /// digits in all) in integer arithmetic, with the result <see cref="TryFromEpochDecimal"/> gives: it is exact for
    /// so few digits, and truncating a positive number is flooring it. False for anything else (exponents, signs,
    /// more digits), which decimal reads.
    /// </summary>
    private static bool TryTicksFromDigits(ReadOnlySpan<byte> utf8, out long ticks, out bool zero)
    {
        ticks = 0;
        zero = false;
        const int MaxDigits = 18;
        long whole = 0, fraction = 0;
        int digits = 0, fractionDigits = -1;
        foreach (var b in utf8)
        {
            if (char.IsAsciiDigit((char)b))
            {
                if (++digits > MaxDigits)
                {
                    return false;
                }
                if (fractionDigits < 0)
                {
                    whole = whole * 10 + (b - '0');
                }
                else
                {
                    fraction = fraction * 10 + (b - '0');
                    fractionDigits++;
                }
            }
            else if (b == '.' && fractionDigits < 0 && digits > 0)
            {
                fractionDigits = 0;
            }
            else
            {
                return false;
            }
        }
        if (digits == 0 || fractionDigits == 0)
        {
            return false; // "" or "12.": decimal decides
        }
        zero = whole == 0 && fraction == 0;
        var scale = Math.Max(fractionDigits, 0);
        ticks = whole switch
        {
            < (long)SecondsLimit => whole * TimeSpan.TicksPerSecond + Scale(fraction, scale, 7),
            < (long)MillisLimit => whole * TimeSpan.TicksPerMillisecond + Scale(fraction, scale, 4),
            < (long)MicrosLimit => whole * 10 + Scale(fraction, scale, 1),
            _ => whole / 100,
        };
        return true;

        // fraction / 10^scale * 10^power, floored
        static long Scale(long fraction, int scale, int power) =>
            scale <= power ? fraction * Pow10(power - scale) : fraction / Pow10(scale - power);

        static long Pow10(int n)
        {
            var result = 1L;
            while (n-- > 0)
            {
                result *= 10;
            }
            return result;
        }
    }

    /// <summary>Any number Utf8Parser reads, in decimal: it keeps every digit of 1554141513.598656 that a double would round.</summary>
    internal static bool TryFromEpochDecimal(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        time = default;
        if (!Utf8Parser.TryParse(utf8, out decimal value, out var consumed, 'G') || consumed != utf8.Length)
        {
            if (!Utf8Parser.TryParse(utf8, out value, out consumed, 'E') || consumed != utf8.Length)
            {
                return false;
            }
        }
        if (value <= 0)
        {
            return false;
        }
        var ticks = value switch
        {
            < SecondsLimit => value * TimeSpan.TicksPerSecond,
            < MillisLimit => value * TimeSpan.TicksPerMillisecond,
            < MicrosLimit => value * 10,
            _ => value / 100,
        };
        var maxTicks = (decimal)(DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        if (ticks >= maxTicks)
        {
            return false;
        }
        time = DateTimeOffset.UnixEpoch.AddTicks((long)decimal.Truncate(ticks));
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<char> span, out DateTimeOffset time)
    {
        time = default;
        // .NET keeps 7 fraction digits; container runtimes write 9. Drop the extra digits before parsing.
        Span<char> buffer = stackalloc char[span.Length];
        var length = 0;
        var digitsInFraction = -1;
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (digitsInFraction >= 0)
            {
                if (char.IsAsciiDigit(c))
                {
                    if (++digitsInFraction > 7)
                    {
                        continue;
                    }
                }
                else
                {
                    digitsInFraction = -1;
                }
            }
            else if (c is '.' or ',' && i > 0 && char.IsAsciiDigit(span[i - 1]) && length >= 19)
            {
                digitsInFraction = 0;
                c = '.';
            }
            buffer[length++] = c;
        }
        if (length < 10 || !char.IsAsciiDigit(buffer[0]))
        {
            return false;
        }
        if (!DateTimeOffset.TryParse(buffer[..length], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out time))
        {
            return false;
        }
        time = time.ToUniversalTime();
        return true;
    }
}
