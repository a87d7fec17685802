using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Telemetry;

namespace Automation.Core.Pipeline;

/// <summary>What INIT has built for a function's action stage: its validated settings, log, secrets (already read
/// once) and clock.</summary>
public sealed record FunctionServices(FunctionSettings Settings, JsonLog Log, FunctionSecrets Secrets, TimeProvider Time);
