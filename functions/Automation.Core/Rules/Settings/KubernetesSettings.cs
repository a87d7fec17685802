namespace Automation.Core.Rules.Settings;

/// <summary>The rules file's top-level <c>kubernetes:</c> section, read by PodRestartFunction: clusters, namespace allow-list, budgets and blast radius for restart_pod and rollout_restart.</summary>
public sealed record KubernetesSettings;
