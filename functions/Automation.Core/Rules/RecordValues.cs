using System.Diagnostics.CodeAnalysis;
using Automation.Core.Logs;

namespace Automation.Core.Rules;

/// <summary>
/// How rules read a value of a log record: no path means the message; the one-segment paths <c>message</c> and
/// <c>level</c> are the record's parsed message and level (whatever key they came from); anything else is a field.
/// Conditions, group_by and templates all read through here, so they agree.
/// </summary>
public static class RecordValues
{
    public static bool TryGet(LogRecord record, FieldPath? path, [NotNullWhen(true)] out string? value)
    {
        switch (path?.Text)
        {
            case null or "message":
                value = record.Message;
                return true;
            case "level":
                value = record.Level;
                return value is not null;
            default:
                return record.Fields.TryGetValue(path, out value);
        }
    }
}
