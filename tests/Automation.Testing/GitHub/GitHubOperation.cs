namespace Automation.Testing.GitHub;

/// <summary>The calls the fake GitHub answers.</summary>
public enum GitHubOperation
{
    /// <summary>POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches (create-workflow-dispatch).</summary>
    Dispatch,

    /// <summary>GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs (list-workflow-runs).</summary>
    ListWorkflowRuns,

    /// <summary>GET /repos/{owner}/{repo}.</summary>
    GetRepository,

    /// <summary>POST /app/installations/{installation_id}/access_tokens.</summary>
    CreateInstallationToken,
}
