using Octokit;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>The GitHub calls RollbackFunction makes, through Octokit, one attempt each (retries are <see cref="GitHubCalls"/>' business).</summary>
internal sealed class GitHubApi
{
    private const string Accepts = "application/vnd.github+json";

    private readonly GitHubClient _client;

    public GitHubApi(GitHubClient client)
    {
        _client = client;
    }

    /// <summary>
    /// POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches, the call Actions.Workflows.CreateDispatch
    /// makes, through the same connection and route (ApiUrls.ActionsDispatchWorkflow). CreateDispatch itself discards
    /// the answer and cannot ask for run details in Octokit 14, so the body is <see cref="DispatchRequest"/> and the
    /// answer is kept: 204, or 200 with the run's id and URLs.
    /// </summary>
    public async Task<DispatchOutcome> DispatchAsync(
        string owner, string repo, string workflow, string reference, IReadOnlyDictionary<string, string> inputs, CancellationToken cancellationToken)
    {
        var body = new DispatchRequest(reference, inputs.ToDictionary(i => i.Key, i => (object)i.Value, StringComparer.Ordinal));
        var uri = long.TryParse(workflow, out var id) ? ApiUrls.ActionsDispatchWorkflow(owner, repo, id) : ApiUrls.ActionsDispatchWorkflow(owner, repo, workflow);
        var response = await _client.Connection.Post<DispatchRunDetails>(uri, body, Accepts, "application/json", parameters: null, cancellationToken)
            .ConfigureAwait(false);
        var status = (int)response.HttpResponse.StatusCode;
        var details = status == 200 ? response.Body : null;
        return new DispatchOutcome(status, details?.WorkflowRunId is > 0 ? details.WorkflowRunId : null, details?.RunUrl, details?.HtmlUrl);
    }

    /// <summary>The newest successful run of <paramref name="workflow"/> on <paramref name="branch"/>, or null when it has none.</summary>
    public async Task<LastGoodRun?> LastSuccessfulRunAsync(string owner, string repo, string workflow, string branch, CancellationToken cancellationToken)
    {
        var request = new WorkflowRunsRequest { Branch = branch, Status = CheckRunStatusFilter.Success };
        // GitHub lists runs newest first: one page of one run is the answer.
        var page = new ApiOptions { PageCount = 1, PageSize = 1, StartPage = 1 };
        var runs = long.TryParse(workflow, out var id)
            ? _client.Actions.Workflows.Runs.ListByWorkflow(owner, repo, id, request, page)
            : _client.Actions.Workflows.Runs.ListByWorkflow(owner, repo, workflow, request, page);
        var result = await runs.WaitAsync(cancellationToken).ConfigureAwait(false);
        var newest = result.WorkflowRuns.OrderByDescending(r => r.CreatedAt).FirstOrDefault();
        return newest is null || string.IsNullOrEmpty(newest.HeadSha) ? null : new LastGoodRun(newest.Id, newest.HeadSha, newest.HtmlUrl);
    }

    /// <summary>The repository's default branch, for actions without ref.</summary>
    public async Task<string> DefaultBranchAsync(string owner, string repo, CancellationToken cancellationToken)
    {
        var repository = await _client.Repository.Get(owner, repo).WaitAsync(cancellationToken).ConfigureAwait(false);
        return repository.DefaultBranch;
    }
}
