using Automation.Core.Rules.Settings;

namespace Automation.Core.Rules.Loading;

internal sealed partial class RulesReader
{
    /// <summary>The <c>kubernetes:</c> section. It takes no keys yet: every key is reported as unknown.</summary>
    private KubernetesSettings? ReadKubernetes(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "kubernetes", "a mapping");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, [], "in kubernetes:");
        return _problems.Count > before ? null : new KubernetesSettings();
    }
}
