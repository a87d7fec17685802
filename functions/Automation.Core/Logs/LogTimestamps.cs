using System.Buffers.Text;
using System.Globalization;
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
        var text = reader.GetString()!;
        return TryParseText(text, out time);
    }

    public static bool TryParseText(string text, out DateTimeOffset time)
    {
        time = default;
        var span = text.AsSpan().Trim();
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

    private static bool TryFromEpochText(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        time = default;
        // decimal keeps every digit of 1554141513.598656 that a double would round.
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
