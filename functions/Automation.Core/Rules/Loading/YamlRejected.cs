namespace Automation.Core.Rules.Loading;

/// <summary>A node already reported as unusable (an alias, a node nested too deep): readers skip it silently.</summary>
internal sealed record YamlRejected(TextPosition Start, TextPosition End) : YamlNode(Start, End);
