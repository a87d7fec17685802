using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Automation.Core.Logs;

/// <summary>
/// Unescapes the content of a JSON string that <see cref="System.Text.Json.Utf8JsonReader"/> has already accepted,
/// straight from its bytes. Reopening a reader on the token to call CopyString scans the string byte by byte again
/// (the reader's slow path once it meets a backslash) and decodes each escape through general code; an application
/// JSON line inside Fluent Bit's <c>log</c> has an escape every few bytes, so that was a large part of parsing a record.
/// </summary>
internal static class JsonUnescape
{
    /// <summary>
    /// Writes the unescaped text of <paramref name="raw"/> (the bytes between the quotes) to <paramref name="destination"/>,
    /// which must be at least as long as <paramref name="raw"/>. False for anything the reader would not decode (a lone
    /// surrogate, a malformed escape): the caller then takes the reader's own path, which decides.
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> raw, Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < raw.Length)
        {
            return false;
        }
        var at = 0;
        while (true)
        {
            if (!CopyToBackslash(raw, destination, ref at, ref written))
            {
                return true;
            }
            if (at + 1 >= raw.Length)
            {
                return false;
            }
            var escape = raw[at + 1];
            at += 2;
            byte simple = escape switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => 0,
            };
            if (simple != 0)
            {
                destination[written++] = simple;
                continue;
            }
            if (escape != (byte)'u' || !TryHex(raw, at, out var unit))
            {
                return false;
            }
            at += 4;
            int scalar = unit;
            if (char.IsHighSurrogate((char)unit))
            {
                // Only a \u-escaped low surrogate completes it; anything else is a lone surrogate.
                if (at + 6 > raw.Length || raw[at] != (byte)'\\' || raw[at + 1] != (byte)'u'
                    || !TryHex(raw, at + 2, out var low) || !char.IsLowSurrogate((char)low))
                {
                    return false;
                }
                at += 6;
                scalar = char.ConvertToUtf32((char)unit, (char)low);
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                return false;
            }
            // Each escape is at least as long as the UTF-8 it stands for (6 bytes for up to 3, 12 for 4).
            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
        }
    }

    /// <summary>
    /// Copies from <paramref name="at"/> up to the next backslash, 16 bytes at a time; false when there is none left.
    /// A whole block is stored even when a backslash is in it: the bytes past the backslash are overwritten next, and
    /// the block fits because the destination is as long as the source and never ahead of it.
    /// </summary>
    private static bool CopyToBackslash(ReadOnlySpan<byte> raw, Span<byte> destination, ref int at, ref int written)
    {
        ref var source = ref MemoryMarshal.GetReference(raw);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var backslash = Vector128.Create((byte)'\\');
        while (at + Vector128<byte>.Count <= raw.Length)
        {
            var block = Vector128.LoadUnsafe(ref source, (nuint)at);
            block.StoreUnsafe(ref target, (nuint)written);
            var mask = Vector128.Equals(block, backslash).ExtractMostSignificantBits();
            if (mask != 0)
            {
                var run = BitOperations.TrailingZeroCount(mask);
                at += run;
                written += run;
                return true;
            }
            at += Vector128<byte>.Count;
            written += Vector128<byte>.Count;
        }
        for (; at < raw.Length; at++)
        {
            if (raw[at] == (byte)'\\')
            {
                return true;
            }
            destination[written++] = raw[at];
        }
        return false;
    }

    /// <summary>Four hex digits at <paramref name="at"/>.</summary>
    private static bool TryHex(ReadOnlySpan<byte> raw, int at, out int value)
    {
        value = 0;
        if (at + 4 > raw.Length)
        {
            return false;
        }
        // The common escape of a writer that escapes quotes as \u0022 (System.Text.Json's default) and its kin.
        if (BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(at, 2)) == ('0' | ('0' << 8)))
        {
            var high = HexDigit(raw[at + 2]);
            var low = HexDigit(raw[at + 3]);
            value = (high << 4) | low;
            return (high | low) >= 0;
        }
        var result = 0;
        for (var i = 0; i < 4; i++)
        {
            var digit = HexDigit(raw[at + i]);
            if (digit < 0)
            {
                return false;
            }
            result = (result << 4) | digit;
        }
        value = result;
        return true;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
