namespace Automation.RollbackTrigger.GitHub;

/// <summary>GitHub's 200 answer to a dispatch that asked for run details. Octokit fills it by reflection (snake_case names).</summary>
internal sealed class DispatchRunDetails
{
    public long WorkflowRunId { get; set; }

    public string? RunUrl { get; set; }

    public string? HtmlUrl { get; set; }
}
