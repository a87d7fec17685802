using Automation.Core.Logs;

namespace Automation.Core.Rules.Matching;

/// <summary>`all:` children ordered cheapest first, so a failed cheap test skips the costly ones.</summary>
internal sealed class AllNode(MatchNode[] children) : MatchNode
{
    private readonly MatchNode[] _children = CheapestFirst(children);

    public override int Cost { get; } = children.Sum(child => child.Cost);

    public override bool Evaluate(LogRecord record)
    {
        foreach (var child in _children)
        {
            if (!child.Evaluate(record))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Stable: children of equal cost keep the order the operator wrote them in.</summary>
    internal static MatchNode[] CheapestFirst(MatchNode[] nodes) => [.. nodes.OrderBy(node => node.Cost)];
}

/// <summary>`any:` children ordered cheapest first, so a cheap hit skips the costly ones.</summary>
internal sealed class AnyNode(MatchNode[] children) : MatchNode
{
    private readonly MatchNode[] _children = AllNode.CheapestFirst(children);

    public override int Cost { get; } = children.Sum(child => child.Cost);

    public override bool Evaluate(LogRecord record)
    {
        foreach (var child in _children)
        {
            if (child.Evaluate(record))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>`not:`</summary>
internal sealed class NotNode(MatchNode child) : MatchNode
{
    public override int Cost => child.Cost;

    public override bool Evaluate(LogRecord record) => !child.Evaluate(record);
}
