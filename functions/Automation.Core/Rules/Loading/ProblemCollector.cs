namespace Automation.Core.Rules.Loading;

/// <summary>Collects the problems of one rules file; every reader reports here and carries on, so all are found at once.</summary>
internal sealed class ProblemCollector(string source)
{
    private readonly List<RuleProblem> _problems = [];

    public string Source { get; } = source;

    public int Count => _problems.Count;

    public SourceLocation LocationOf(TextPosition position) => new(Source, position.Line, position.Column);

    public void Add(TextPosition position, string message) => Add(position.Line, position.Column, message);

    public void At(YamlNode node, string message) => Add(node.Start, message);

    /// <summary>
    /// Reports a problem at a character inside a scalar's value (a regex or template error, a field path error):
    /// at its exact column when the scalar's style allows, otherwise at the scalar with the offset in the message.
    /// </summary>
    public void AtOffset(YamlScalar scalar, int offset, string message)
    {
        var column = scalar.ColumnOf(offset);
        if (column is { } c)
        {
            Add(scalar.End.Line, c, message);
        }
        else
        {
            Add(scalar.Start, $"{message} (at offset {offset} of the value)");
        }
    }

    /// <summary>The problems in file order (stable: problems at the same place keep the order they were found in).</summary>
    public IReadOnlyList<RuleProblem> InFileOrder() =>
        [.. _problems.OrderBy(p => p.Location.Line).ThenBy(p => p.Location.Column)];

    private void Add(int line, int column, string message) =>
        _problems.Add(new RuleProblem(new SourceLocation(Source, line, column), OneLine(message)));

    private static string OneLine(string message) =>
        message.Contains('\n') || message.Contains('\r') ? message.ReplaceLineEndings(" ") : message;
}
