namespace Automation.Testing.GitHub;

/// <summary>A run the fake lists for a workflow: the example run of GitHub's description with these values put in.</summary>
public sealed record FakeWorkflowRun(string Workflow, long Id, string HeadSha, string Branch, string Status, string? Conclusion, DateTimeOffset CreatedAt);
