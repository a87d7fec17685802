namespace Automation.Core.Rules.Loading;

internal sealed record YamlEntry(YamlScalar Key, YamlNode Value);
