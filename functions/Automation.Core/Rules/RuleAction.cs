using Automation.Core.Rules.Templates;

namespace Automation.Core.Rules;

/// <summary>
/// What a rule does when it fires. The function that owns <see cref="Type"/> executes it; the others ignore it.
/// Every parameter is a template over the matching record's fields and the match facts.
/// </summary>
public sealed record RuleAction(string Type, IReadOnlyDictionary<string, Template> Parameters, SourceLocation Location);
