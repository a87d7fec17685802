namespace Automation.Core.Rules.Decisions;

/// <summary>The facts a template can name besides record fields: {{ rule.id }}, {{ count }}, {{ window }}, ...</summary>
public sealed record MatchFacts(Rule Rule, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
