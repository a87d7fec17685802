using System.Security.Cryptography;
using System.Text;

namespace Automation.Core.State;

/// <summary>
/// Turns caller keys (rule ids, targets rendered from untrusted log text) into DynamoDB key values that always fit:
/// a partition key may hold at most 2048 bytes of UTF-8. Keys of at most <see cref="MaxPlainChars"/> well-formed
/// UTF-16 chars are kept as they are (at most 3 UTF-8 bytes per char, so under 1.6 KB); longer keys, and keys with
/// lone surrogates (which UTF-8 cannot carry, so two of them could collapse into one), keep a readable prefix and
/// end in the SHA-256 of the whole key's UTF-16 code units, so distinct keys stay distinct.
/// </summary>
internal static class StateItemKeys
{
    internal const int MaxPlainChars = 512;
    private const int PrefixChars = 256;

    internal static string Bounded(string key)
    {
        if (key.Length <= MaxPlainChars && IsWellFormed(key))
        {
            return key;
        }

        var hash = SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.AsSpan()));
        var prefix = new StringBuilder(PrefixChars + 80);
        foreach (var rune in Runes(key.AsSpan(0, Math.Min(key.Length, PrefixChars))))
        {
            prefix.Append(rune.ToString());
        }
        return prefix.Append("#sha256:").Append(Convert.ToHexStringLower(hash)).ToString();
    }

    private static bool IsWellFormed(string key)
    {
        var span = key.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }
            span = span[used..];
        }
        return true;
    }

    // Lone surrogates become U+FFFD in the readable prefix; the hash keeps the keys apart.
    private static List<Rune> Runes(ReadOnlySpan<char> text)
    {
        var runes = new List<Rune>(text.Length);
        while (!text.IsEmpty)
        {
            Rune.DecodeFromUtf16(text, out var rune, out var used);
            runes.Add(rune);
            text = text[used..];
        }
        return runes;
    }
}
