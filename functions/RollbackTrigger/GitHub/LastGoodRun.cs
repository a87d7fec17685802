namespace Automation.RollbackTrigger.GitHub;

/// <summary>The newest successful run of the deploy workflow on a branch: the version to roll back to.</summary>
internal sealed record LastGoodRun(long RunId, string HeadSha, string? HtmlUrl);
