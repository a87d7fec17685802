using Automation.Core.Rules.Settings;

namespace Automation.Core.Rules;

/// <summary>A validated rules file (format version 1): what every function evaluates.</summary>
/// <param name="Source">The file it was read from, as named in errors and audit lines.</param>
/// <param name="Kubernetes">The <c>kubernetes:</c> section (PodRestartFunction's clusters and guardrails), when present.</param>
/// <param name="GitHub">The <c>github:</c> section (RollbackFunction's repositories and guardrails), when present.</param>
/// <param name="Forwarding">The <c>forwarding:</c> section (LogForwarderFunction's selection and indices), when present.</param>
public sealed record RuleSet(
    string Source,
    IReadOnlyList<Rule> Rules,
    KubernetesSettings? Kubernetes = null,
    GitHubSettings? GitHub = null,
    ForwardingSettings? Forwarding = null);
