using System.Diagnostics.CodeAnalysis;
using Automation.Core.Logs;

namespace Automation.Core.Rules.Matching;

/// <summary>Where a field condition reads its value: the record's message, its normalised level, or a field by path.</summary>
internal enum ValueKind
{
    Message,
    Level,
    Field,
}

/// <summary>
/// The value a field condition tests. <c>field</c> absent, <c>message</c> and <c>level</c> (single-segment paths) read
/// the parsed record's <see cref="LogRecord.Message"/> and <see cref="LogRecord.Level"/> without any lookup; any other
/// path is looked up in <see cref="LogRecord.Fields"/>.
/// </summary>
internal sealed class ValueSource
{
    private ValueSource(ValueKind kind, FieldPath? path)
    {
        Kind = kind;
        Path = path;
    }

    public ValueKind Kind { get; }

    public FieldPath? Path { get; }

    public static ValueSource For(FieldPath? field)
    {
        if (field is null)
        {
            return new ValueSource(ValueKind.Message, null);
        }
        var segments = field.Segments;
        if (segments.Length == 1 && segments[0].Name is { } name)
        {
            if (string.Equals(name, "message", StringComparison.Ordinal))
            {
                return new ValueSource(ValueKind.Message, null);
            }
            if (string.Equals(name, "level", StringComparison.Ordinal))
            {
                return new ValueSource(ValueKind.Level, null);
            }
        }
        return new ValueSource(ValueKind.Field, field);
    }

    /// <summary>
    /// The value as text; false when the field is missing or JSON null. A <see cref="ValueKind.Field"/> lookup
    /// allocates the string (LogFields has no span lookup), so hot tests prefer <see cref="ValueEquals"/>.
    /// </summary>
    public bool TryGet(LogRecord record, [NotNullWhen(true)] out string? value)
    {
        switch (Kind)
        {
            case ValueKind.Message:
                value = record.Message;
                return true;
            case ValueKind.Level:
                value = record.Level;
                return value is not null;
            default:
                return record.Fields.TryGetValue(Path!, out value);
        }
    }

    /// <summary>Whether the value is exactly <paramref name="expected"/> (ordinal), without allocating.</summary>
    public bool ValueEquals(LogRecord record, string expected) => Kind switch
    {
        ValueKind.Message => string.Equals(record.Message, expected, StringComparison.Ordinal),
        ValueKind.Level => string.Equals(record.Level, expected, StringComparison.Ordinal),
        _ => record.Fields.ValueEquals(Path!, expected),
    };

    public override string ToString() => Kind == ValueKind.Field ? Path!.Text : Kind.ToString().ToLowerInvariant();
}
