namespace Automation.Core.Rules.Loading;

/// <summary>
/// Reads and validates a rules file (format version 1, see docs/rules.md). Fails fast and completely: anything
/// wrong throws one <see cref="RulesValidationException"/> listing every problem as `file:line:col: message`.
/// </summary>
public static class RulesLoader
{
    /// <summary>Reads the file at <paramref name="path"/>; errors name it as given.</summary>
    public static RuleSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
            or System.Security.SecurityException)
        {
            throw new RulesValidationException([new RuleProblem(new SourceLocation(path, 1, 1), $"cannot read the rules file: {e.Message}")]);
        }
        return Parse(text, path);
    }

    /// <summary>Validates rules given as text; <paramref name="sourceName"/> names them in errors and audit lines.</summary>
    public static RuleSet Parse(string yamlText, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);
        var problems = new ProblemCollector(sourceName);
        var root = YamlTreeReader.Read(yamlText, problems);
        var rules = new RulesReader(problems).Read(root);
        return rules ?? throw new RulesValidationException(problems.InFileOrder());
    }
}
