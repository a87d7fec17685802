namespace Automation.Core.Logs;

/// <summary>A field path that does not follow the syntax; <see cref="Position"/> is where reading stopped (0-based).</summary>
public sealed class FieldPathException : FormatException
{
    public FieldPathException(string message, int position)
        : base($"{message} (at position {position})")
    {
        Reason = message;
        Position = position;
    }

    /// <summary>The reason without the position.</summary>
    public string Reason { get; }

    /// <summary>0-based character index in the path text.</summary>
    public int Position { get; }
}
