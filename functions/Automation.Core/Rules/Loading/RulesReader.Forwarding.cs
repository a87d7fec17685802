using Automation.Core.Rules.Settings;

namespace Automation.Core.Rules.Loading;

internal sealed partial class RulesReader
{
    /// <summary>The <c>forwarding:</c> section. It takes no keys yet: every key is reported as unknown.</summary>
    private ForwardingSettings? ReadForwarding(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "forwarding", "a mapping");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, [], "in forwarding:");
        return _problems.Count > before ? null : new ForwardingSettings();
    }
}
