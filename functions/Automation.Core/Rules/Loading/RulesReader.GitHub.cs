using Automation.Core.Rules.Settings;

namespace Automation.Core.Rules.Loading;

internal sealed partial class RulesReader
{
    /// <summary>The <c>github:</c> section. It takes no keys yet: every key is reported as unknown.</summary>
    private GitHubSettings? ReadGitHub(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "github", "a mapping");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, [], "in github:");
        return _problems.Count > before ? null : new GitHubSettings();
    }
}
