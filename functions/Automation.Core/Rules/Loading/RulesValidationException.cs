namespace Automation.Core.Rules.Loading;

/// <summary>
/// A rules file that cannot be used. <see cref="Problems"/> holds every problem found, in file order; the message
/// is one `file:line:col: message` line per problem.
/// </summary>
public sealed class RulesValidationException : Exception
{
    public RulesValidationException(IReadOnlyList<RuleProblem> problems)
        : base(string.Join('\n', problems))
    {
        ArgumentOutOfRangeException.ThrowIfZero(problems.Count);
        Problems = problems;
    }

    public IReadOnlyList<RuleProblem> Problems { get; }
}
