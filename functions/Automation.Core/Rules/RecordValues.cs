using System.Diagnostics.CodeAnalysis;
using Automation.Core.Logs;
using Automation.Core.Rules.Matching;

namespace Automation.Core.Rules;

/// <summary>
/// How rules read a value of a log record outside matching (group_by, templates): exactly as conditions read it
/// (<see cref="ValueSource"/>): no path or <c>message</c> is the record's message, <c>level</c> its normalised level,
/// anything else a field.
/// </summary>
public static class RecordValues
{
    public static bool TryGet(LogRecord record, FieldPath? path, [NotNullWhen(true)] out string? value) =>
        ValueSource.For(path).TryGet(record, out value);
}
