using Automation.Core.Logs;

namespace Automation.Core.Rules.Matching;

/// <summary>
/// A compiled condition: evaluated on a record, never throwing for its content. <see cref="Cost"/> orders the
/// children of <c>all</c> and <c>any</c> so cheap tests short-circuit the expensive ones.
/// </summary>
internal abstract class MatchNode
{
    /// <summary>Literal tests on the message or level.</summary>
    public const int CostLiteral = 1;

    /// <summary>A field compared with <see cref="LogFields.ValueEquals"/>: a JSON walk, no allocation.</summary>
    public const int CostFieldEquals = 2;

    /// <summary>A field read as a string (one allocation), then tested.</summary>
    public const int CostFieldRead = 3;

    /// <summary>A regular expression over the message or level.</summary>
    public const int CostRegex = 4;

    public abstract int Cost { get; }

    public abstract bool Evaluate(LogRecord record);
}
