namespace Automation.Core.Rules.Settings;

/// <summary>A budget of the <c>kubernetes:</c> section: at most <paramref name="Count"/> actions within any <paramref name="Within"/>.</summary>
public sealed record KubernetesBudget(int Count, TimeSpan Within);
