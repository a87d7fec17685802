using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Matching;

namespace Automation.Core.Rules;

/// <summary>What the rules made of one batch: which records each rule matched, and the decisions taken.</summary>
public sealed record RuleEvaluation(BatchMatches Matches, IReadOnlyList<Decision> Decisions);
