namespace Automation.Core.Rules;

/// <summary>Where something stands in a rules file, 1-based, for `file:line:col: message` errors and audit lines.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
