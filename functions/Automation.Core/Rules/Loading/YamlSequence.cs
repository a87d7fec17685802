namespace Automation.Core.Rules.Loading;

internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items, TextPosition Start, TextPosition End) : YamlNode(Start, End);
