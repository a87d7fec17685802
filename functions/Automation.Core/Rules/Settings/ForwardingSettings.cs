namespace Automation.Core.Rules.Settings;

/// <summary>The rules file's top-level <c>forwarding:</c> section, read by LogForwarderFunction: which records are forwarded, index names, aggregates.</summary>
public sealed record ForwardingSettings;
