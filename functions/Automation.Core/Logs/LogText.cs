using System.Text;

namespace Automation.Core.Logs;

/// <summary>Small text helpers shared by the readers.</summary>
internal static class LogText
{
    /// <summary>Drops trailing CR and LF: a line's terminator is not part of its message.</summary>
    public static string TrimLineEnd(string text)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] is '\r' or '\n')
        {
            end--;
        }
        return end == text.Length ? text : text[..end];
    }

    public static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> utf8)
    {
        var end = utf8.Length;
        while (end > 0 && utf8[end - 1] is (byte)'\r' or (byte)'\n')
        {
            end--;
        }
        return utf8[..end];
    }

    public static string Decode(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    /// <summary>Index of the first byte that is not JSON white space, or -1.</summary>
    public static int FirstNonWhiteSpace(ReadOnlySpan<byte> utf8) => utf8.IndexOfAnyExcept(" \t\r\n"u8);
}
