using Automation.Core.Kafka;

namespace Automation.Cli;

/// <summary>
/// A file of log records, one a line, each a JSON object or plain text (CRLF tolerated; blank lines skipped). Each line
/// becomes a Kafka record, so `test` parses it with exactly the parser the functions use.
/// </summary>
internal static class LogLineFile
{
    /// <returns>The records, each with its 1-based line number as offset.</returns>
    public static List<KafkaRecord> Read(string path, DateTimeOffset now)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<KafkaRecord>();
        var line = 0;
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        while (start <= bytes.Length)
        {
            line++;
            var length = bytes.AsSpan(start).IndexOf((byte)'\n');
            var end = length < 0 ? bytes.Length : start + length;
            var value = bytes.AsMemory(start, end - start);
            if (value.Length > 0 && value.Span[^1] == (byte)'\r')
            {
                value = value[..^1];
            }
            if (!value.Span.Trim(" \t"u8).IsEmpty)
            {
                records.Add(new KafkaRecord("test", 0, line, now, "CREATE_TIME", Key: null, value, []));
            }
            if (length < 0)
            {
                break;
            }
            start = end + 1;
        }
        return records;
    }
}
