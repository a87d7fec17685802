namespace Automation.Core.Logs;

/// <summary>Where a <see cref="LogRecord.Timestamp"/> came from.</summary>
public enum LogTimestampSource
{
    /// <summary>A time field of the log record itself (see docs/logs.md for the precedence).</summary>
    Record,

    /// <summary>The record carried no usable time; the Kafka record's timestamp was taken.</summary>
    Kafka,

    /// <summary>Neither the record nor Kafka had a time: the timestamp is <see cref="DateTimeOffset.UnixEpoch"/>.</summary>
    Unknown,
}
