namespace Automation.RollbackTrigger.GitHub;

/// <summary>How GitHub answered a dispatch: 204 (no details), or 200 with the run's id and URLs.</summary>
internal sealed record DispatchOutcome(int StatusCode, long? RunId, string? RunUrl, string? HtmlUrl);
