using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Automation.Core.Kafka;

/// <summary>
/// Reads scalar values straight from the reader's UTF-8 bytes. Base64 is decoded from the token itself, never through
/// a UTF-16 string; escaped tokens (such as "\/") are unescaped into a pooled buffer first.
/// </summary>
internal static class KafkaJsonText
{
    // A numeric string longer than this is not a partition, offset or timestamp.
    private const int MaxNumberLength = 32;

    /// <summary>GetString, except that text which is not valid UTF-8 returns false instead of throwing.</summary>
    public static bool TryGetString(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>An integer given as a JSON number or as a numeric string (some producers quote partitions and offsets).</summary>
    public static bool TryGetInteger(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out value);
        }
        if (reader.TokenType != JsonTokenType.String || TokenLength(ref reader) > MaxNumberLength)
        {
            return false;
        }
        Span<byte> text = stackalloc byte[MaxNumberLength];
        int length = reader.CopyString(text);
        return Utf8Parser.TryParse(text[..length], out value, out int consumed) && consumed == length;
    }

    /// <summary>Decodes a base64 string token into a new array of exactly the decoded size; null if it is not valid base64.</summary>
    public static byte[]? TryDecodeBase64(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            return TryDecodeBase64(reader.ValueSpan);
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(TokenLength(ref reader));
        try
        {
            int length = reader.CopyString(rented);
            return TryDecodeBase64(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[]? TryDecodeBase64(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return [];
        }
        // Lambda sends canonical padded base64, so the exact size follows from the length and the padding.
        if (utf8.Length % 4 == 0)
        {
            int padding = utf8[^1] != '=' ? 0 : utf8[^2] == '=' ? 2 : 1;
            var bytes = new byte[utf8.Length / 4 * 3 - padding];
            if (Base64.DecodeFromUtf8(utf8, bytes, out _, out int written) == OperationStatus.Done && written == bytes.Length)
            {
                return bytes;
            }
        }
        // Anything else (embedded whitespace, say) takes the slower path that counts first, or is not base64 at all.
        if (!Base64.IsValid(utf8, out int decodedLength))
        {
            return null;
        }
        var exact = new byte[decodedLength];
        return Base64.DecodeFromUtf8(utf8, exact, out _, out int exactWritten) == OperationStatus.Done && exactWritten == decodedLength
            ? exact
            : null;
    }

    /// <summary>The token's raw length in bytes: an upper bound for its unescaped length.</summary>
    private static int TokenLength(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
}
