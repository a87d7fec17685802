namespace Automation.Core.Rules.Loading;

/// <summary>
/// A node of the rules file as YAML gave it, with its position. Built from YamlDotNet's event parser (not its
/// reflection deserializer, which breaks under Native AOT), keeping duplicate keys visible and every position.
/// </summary>
internal abstract record YamlNode(TextPosition Start, TextPosition End);
