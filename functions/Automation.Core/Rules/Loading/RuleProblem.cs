namespace Automation.Core.Rules.Loading;

/// <summary>One thing wrong with a rules file, where it is and what to do about it (one line).</summary>
public sealed record RuleProblem(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
