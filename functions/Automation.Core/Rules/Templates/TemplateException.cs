namespace Automation.Core.Rules.Templates;

/// <summary>A template that does not parse; <see cref="Offset"/> is where in its text (0-based).</summary>
public sealed class TemplateException(string message, int offset) : FormatException(message)
{
    public int Offset { get; } = offset;
}
