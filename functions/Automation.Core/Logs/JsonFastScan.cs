using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Automation.Core.Logs;

/// <summary>
/// A quick validating pass over a JSON object that notes where its top-level values are, for the common case of a
/// well-formed record. It accepts a subset of what <see cref="Utf8JsonReader"/> (with <see cref="JsonLimits.ReaderOptions"/>)
/// accepts, minus strings that escape half a surrogate pair; whatever it does not accept, the reader looks at again
/// and decides (and words the problem). The reader's general state machine costs about twice as much per token,
/// and it walks a string byte by byte once it contains an escape, as every application JSON line in <c>log</c> does.
/// </summary>
internal static class JsonFastScan
{
    /// <summary>One value starting at <paramref name="at"/> (not white space); on success <paramref name="at"/> is just past it.</summary>
    public static bool TryValue(ReadOnlySpan<byte> json, ref int at, int depth, out JsonTokenType type, out bool escaped)
    {
        escaped = false;
        type = JsonTokenType.None;
        if (at >= json.Length)
        {
            return false;
        }
        switch (json[at])
        {
            case (byte)'"':
                type = JsonTokenType.String;
                return TryString(json, ref at, out escaped);
            case (byte)'{':
                type = JsonTokenType.StartObject;
                return TryObject(json, ref at, depth + 1);
            case (byte)'[':
                type = JsonTokenType.StartArray;
                return TryArray(json, ref at, depth + 1);
            case (byte)'t':
                type = JsonTokenType.True;
                return TryLiteral(json, ref at, "true"u8);
            case (byte)'f':
                type = JsonTokenType.False;
                return TryLiteral(json, ref at, "false"u8);
            case (byte)'n':
                type = JsonTokenType.Null;
                return TryLiteral(json, ref at, "null"u8);
            default:
                type = JsonTokenType.Number;
                return TryNumber(json, ref at);
        }
    }

    private static bool TryObject(ReadOnlySpan<byte> json, ref int at, int depth)
    {
        if (depth > JsonLimits.MaxDepth)
        {
            return false;
        }
        at = SkipWhiteSpace(json, at + 1);
        if (at < json.Length && json[at] == (byte)'}')
        {
            at++;
            return true;
        }
        while (true)
        {
            if (at >= json.Length || json[at] != (byte)'"' || !TryString(json, ref at, out _))
            {
                return false;
            }
            at = SkipWhiteSpace(json, at);
            if (at >= json.Length || json[at] != (byte)':')
            {
                return false;
            }
            at = SkipWhiteSpace(json, at + 1);
            if (!TryValue(json, ref at, depth, out _, out _))
            {
                return false;
            }
            at = SkipWhiteSpace(json, at);
            if (at >= json.Length)
            {
                return false;
            }
            if (json[at] == (byte)'}')
            {
                at++;
                return true;
            }
            if (json[at] != (byte)',')
            {
                return false;
            }
            at = SkipWhiteSpace(json, at + 1);
        }
    }

    private static bool TryArray(ReadOnlySpan<byte> json, ref int at, int depth)
    {
        if (depth > JsonLimits.MaxDepth)
        {
            return false;
        }
        at = SkipWhiteSpace(json, at + 1);
        if (at < json.Length && json[at] == (byte)']')
        {
            at++;
            return true;
        }
        while (true)
        {
            if (!TryValue(json, ref at, depth, out _, out _))
            {
                return false;
            }
            at = SkipWhiteSpace(json, at);
            if (at >= json.Length)
            {
                return false;
            }
            if (json[at] == (byte)']')
            {
                at++;
                return true;
            }
            if (json[at] != (byte)',')
            {
                return false;
            }
            at = SkipWhiteSpace(json, at + 1);
        }
    }

    /// <summary>A string starting at its opening quote; <paramref name="at"/> ends just past the closing quote.</summary>
    public static bool TryString(ReadOnlySpan<byte> json, ref int at, out bool escaped)
    {
        escaped = false;
        var i = IndexOfSpecial(json, at + 1);
        while (i >= 0)
        {
            var c = json[i];
            if (c == (byte)'"')
            {
                at = i + 1;
                return true;
            }
            if (c != (byte)'\\' || !TryEscape(json, ref i))
            {
                return false; // a control character, or an escape JSON does not have
            }
            escaped = true;
            i = IndexOfSpecial(json, i);
        }
        return false;
    }

    /// <summary>
    /// The next quote, backslash or control character from <paramref name="i"/>, or -1. Inline 16-byte steps: most
    /// strings of a record are short, where a call to a general search costs more than the search.
    /// </summary>
    private static int IndexOfSpecial(ReadOnlySpan<byte> json, int i)
    {
        ref var start = ref MemoryMarshal.GetReference(json);
        var quote = Vector128.Create((byte)'"');
        var backslash = Vector128.Create((byte)'\\');
        var space = Vector128.Create((byte)0x20);
        while (i + Vector128<byte>.Count <= json.Length)
        {
            var bytes = Vector128.LoadUnsafe(ref start, (nuint)i);
            var special = Vector128.Equals(bytes, quote) | Vector128.Equals(bytes, backslash) | Vector128.LessThan(bytes, space);
            var mask = special.ExtractMostSignificantBits();
            if (mask != 0)
            {
                return i + BitOperations.TrailingZeroCount(mask);
            }
            i += Vector128<byte>.Count;
        }
        for (; i < json.Length; i++)
        {
            if (IsSpecial(json[i]))
            {
                return i;
            }
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpecial(byte c) => c < 0x20 || c == (byte)'"' || c == (byte)'\\';

    /// <summary>One escape at <paramref name="i"/> (its backslash); a surrogate only as a complete \u pair.</summary>
    private static bool TryEscape(ReadOnlySpan<byte> json, ref int i)
    {
        if (i + 1 >= json.Length)
        {
            return false;
        }
        switch (json[i + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                i += 2;
                return true;
            case (byte)'u':
                if (!TryHex4(json, i + 2, out var unit))
                {
                    return false;
                }
                i += 6;
                if (unit is < 0xD800 or > 0xDFFF)
                {
                    return true;
                }
                if (unit > 0xDBFF || i + 6 > json.Length || json[i] != (byte)'\\' || json[i + 1] != (byte)'u'
                    || !TryHex4(json, i + 2, out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }
                i += 6;
                return true;
            default:
                return false;
        }
    }

    private static bool TryHex4(ReadOnlySpan<byte> json, int at, out int value)
    {
        value = 0;
        if (at + 4 > json.Length)
        {
            return false;
        }
        for (var k = 0; k < 4; k++)
        {
            var c = json[at + k];
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | digit;
        }
        return true;
    }

    private static bool TryLiteral(ReadOnlySpan<byte> json, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!json[at..].StartsWith(literal))
        {
            return false;
        }
        at += literal.Length;
        return true;
    }

    /// <summary>JSON's number grammar exactly: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?</summary>
    private static bool TryNumber(ReadOnlySpan<byte> json, ref int at)
    {
        var i = at;
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }
        if (i >= json.Length)
        {
            return false;
        }
        if (json[i] == (byte)'0')
        {
            i++;
        }
        else if (json[i] is >= (byte)'1' and <= (byte)'9')
        {
            i = Digits(json, i + 1);
        }
        else
        {
            return false;
        }
        if (i < json.Length && json[i] == (byte)'.')
        {
            var fraction = Digits(json, i + 1);
            if (fraction == i + 1)
            {
                return false;
            }
            i = fraction;
        }
        if (i < json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }
            var exponent = Digits(json, i);
            if (exponent == i)
            {
                return false;
            }
            i = exponent;
        }
        at = i;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SkipWhiteSpace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            at++;
        }
        return at;
    }
}
