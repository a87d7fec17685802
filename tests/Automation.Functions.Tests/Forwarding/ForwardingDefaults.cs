using Automation.Core.Rules.Settings;

namespace Automation.Functions.Tests.Forwarding;

internal static class ForwardingDefaults
{
    public const long BulkMaxBytes = ForwardingSettings.DefaultBulkMaxBytes;
}
