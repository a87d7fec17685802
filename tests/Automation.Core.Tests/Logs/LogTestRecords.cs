using System.Text;
using Automation.Core.Kafka;
using Automation.Core.Logs;

namespace Automation.Core.Tests.Logs;

/// <summary>Builds Kafka records around a value and parses them, as the pipeline does.</summary>
internal static class LogTestRecords
{
    public static readonly DateTimeOffset KafkaTime = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public static KafkaRecord Record(byte[] value, long offset = 42, DateTimeOffset? timestamp = null, bool noTimestamp = false) =>
        new("logs", 3, offset, noTimestamp ? null : timestamp ?? KafkaTime, noTimestamp ? "NO_TIMESTAMP_TYPE" : "CREATE_TIME",
            null, value, []);

    public static KafkaRecord Record(string value, long offset = 42, DateTimeOffset? timestamp = null, bool noTimestamp = false) =>
        Record(Encoding.UTF8.GetBytes(value), offset, timestamp, noTimestamp);

    public static (LogParseResult Result, List<LogRecord> Records) Parse(KafkaRecord record)
    {
        var output = new List<LogRecord>();
        var result = new LogRecordParser().Parse(record, output);
        Assert.Equal(result.Produced, output.Count);
        return (result, output);
    }

    public static (LogParseResult Result, List<LogRecord> Records) Parse(string value) => Parse(Record(value));

    /// <summary>Parses a value that must give exactly one well-formed record.</summary>
    public static LogRecord ParseOne(string value)
    {
        var (result, records) = Parse(value);
        Assert.False(result.Malformed, result.Problem);
        return Assert.Single(records);
    }
}
