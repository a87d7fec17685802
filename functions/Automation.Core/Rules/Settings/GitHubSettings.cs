namespace Automation.Core.Rules.Settings;

/// <summary>The rules file's top-level <c>github:</c> section, read by RollbackFunction: repository allow-list, budgets and authentication for github_workflow.</summary>
public sealed record GitHubSettings;
