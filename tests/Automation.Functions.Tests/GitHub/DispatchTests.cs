using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Testing.GitHub;

namespace Automation.Functions.Tests.GitHub;

/// <summary>github_workflow through RollbackFunction's handler and the real Octokit client, against the fake GitHub.</summary>
public sealed class DispatchTests : IAsyncLifetime
{
    private RollbackHarness _h = null!;

    public async Task InitializeAsync() => _h = await RollbackHarness.StartAsync();

    public async Task DisposeAsync()
    {
        // Whatever a test did, the credentials never reach a log line.
        Assert.DoesNotContain(_h.Token, _h.LogText, StringComparison.Ordinal);
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task A_5xx_burst_dispatches_once_with_a_body_that_conforms_to_GitHubs_description_and_the_run_in_the_audit()
    {
        var response = await _h.HandleAsync(_h.RulesText(), "req-1");

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var dispatch = Assert.Single(_h.GitHub.Dispatches);
        Assert.Empty(dispatch.SchemaErrors);
        Assert.Equal(200, dispatch.Status);
        Assert.Equal("/repos/acme/checkout/actions/workflows/rollback.yml/dispatches", dispatch.Path);
        Assert.Equal("Bearer " + _h.Token, dispatch.Authorization);
        Assert.StartsWith(Automation.RollbackTrigger.RollbackFunction.UserAgent, dispatch.UserAgent, StringComparison.Ordinal);

        var body = dispatch.Body!.AsObject();
        Assert.Equal("main", (string?)body["ref"]);
        Assert.True((bool)body["return_run_details"]!);
        var inputs = body["inputs"]!.AsObject();
        Assert.Equal(["image", "log_sample", "namespace", "reason", "rollback_to", "service"], inputs.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.Equal("checkout-web", (string?)inputs["service"]);
        Assert.Equal("checkout", (string?)inputs["namespace"]);
        Assert.Equal("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/checkout-web:3.9.0", (string?)inputs["image"]);
        Assert.Equal("checkout-5xx-rollback: 24 answers >= 500 within 5m", (string?)inputs["reason"]);
        Assert.Equal(RollbackHarness.DeploySha, (string?)inputs["rollback_to"]);
        var sample = ((string?)inputs["log_sample"])!.Split('\n');
        Assert.Equal(3, sample.Length);
        Assert.All(sample, line => Assert.True(line.Length is > 0 and <= 120 && !line.Any(char.IsControl), line));

        var runs = Assert.Single(_h.GitHub.Requests, r => r.Path.EndsWith("/runs", StringComparison.Ordinal));
        Assert.Equal("/repos/acme/checkout/actions/workflows/deploy.yml/runs", runs.Path);
        Assert.Equal(("main", "success"), (runs.Query["branch"], runs.Query["status"]));

        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        var facts = audit.GetProperty("facts");
        var example = _h.GitHub.DispatchExample;
        Assert.Equal("200", facts.GetProperty("httpStatus").GetString());
        Assert.Equal(((long)example["workflow_run_id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), facts.GetProperty("runId").GetString());
        Assert.Equal((string?)example["run_url"], facts.GetProperty("runUrl").GetString());
        Assert.Equal((string?)example["html_url"], facts.GetProperty("htmlUrl").GetString());
        Assert.Equal(RollbackHarness.DeploySha, facts.GetProperty("rollbackTo").GetString());
        Assert.Equal("102", facts.GetProperty("rollbackRunId").GetString());
    }

    [Fact]
    public async Task The_same_batch_again_dispatches_nothing()
    {
        await _h.HandleAsync(_h.RulesText(), "req-1");
        var again = await _h.HandleAsync(_h.RulesText(), "req-2");

        Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal(0, again.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Contains(_h.Audits("decision"), d => d.GetProperty("outcome").GetString() is "already_done" or "in_cooldown");
    }

    [Fact]
    public async Task A_204_answer_is_a_success_without_run_details()
    {
        _h.GitHub.ReturnRunDetails = false;

        await _h.HandleAsync(_h.RulesText(), "req-1");

        Assert.Equal(204, Assert.Single(_h.GitHub.Dispatches).Status);
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("204", audit.GetProperty("facts").GetProperty("httpStatus").GetString());
        Assert.False(audit.GetProperty("facts").TryGetProperty("runId", out _));
    }

    [Fact]
    public async Task Without_ref_the_default_branch_is_dispatched_and_searched()
    {
        _h.GitHub.DefaultBranch = "release";
        var rules = _h.RulesText().Replace("        ref: main\n", "", StringComparison.Ordinal);

        await _h.HandleAsync(rules, "req-1");

        var body = Assert.Single(_h.GitHub.Dispatches).Body!;
        Assert.Equal("release", (string?)body["ref"]);
        Assert.Equal("4444444444444444444444444444444444444444", (string?)body["inputs"]!["rollback_to"]);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_one_goes_through()
    {
        _h.GitHub.FailNext(GitHubOperation.Dispatch, GitHubFault.ServerError(), GitHubFault.ServerError(HttpStatusCode.ServiceUnavailable));

        var response = await _h.HandleAsync(_h.RulesText(), "req-1");

        Assert.Equal([502, 503, 200], _h.GitHub.Dispatches.Select(d => d.Status));
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("3", audit.GetProperty("facts").GetProperty("attempts").GetString());
    }

    [Fact]
    public async Task A_lasting_outage_hands_the_records_back_and_the_redelivered_batch_dispatches()
    {
        _h.GitHub.FailNext(GitHubOperation.Dispatch, GitHubFault.ServerError(), GitHubFault.ServerError(), GitHubFault.ServerError());

        var first = await _h.HandleAsync(_h.RulesText(), "req-1");
        var second = await _h.HandleAsync(_h.RulesText(), "req-2");

        Assert.Equal(24, first.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal(0, second.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal([502, 502, 502, 200], _h.GitHub.Dispatches.Select(d => d.Status));
        var audits = _h.Audits("action");
        Assert.Equal(["retry", "succeeded"], audits.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Contains("GitHub answered 502", audits[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.UnprocessableEntity, "Unexpected inputs provided")]
    [InlineData(HttpStatusCode.NotFound, "Not Found")]
    public async Task A_refusal_fails_for_good_without_a_retry(HttpStatusCode status, string message)
    {
        _h.GitHub.FailNext(GitHubOperation.Dispatch, new GitHubFault(status, Message: message));

        var response = await _h.HandleAsync(_h.RulesText(), "req-1");
        await _h.HandleAsync(_h.RulesText(), "req-2");

        Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains($"GitHub answered {(int)status} ({message}", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), audit.GetProperty("facts").GetProperty("httpStatus").GetString());
    }

    [Fact]
    public async Task A_secondary_rate_limit_within_the_deadline_is_waited_out()
    {
        _h.GitHub.FailNext(GitHubOperation.Dispatch, GitHubFault.RetryAfter(1));

        await _h.HandleAsync(_h.RulesText(), "req-1");

        var dispatches = _h.GitHub.Dispatches;
        Assert.Equal([403, 200], dispatches.Select(d => d.Status));
        Assert.Equal("succeeded", Assert.Single(_h.Audits("action")).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_primary_rate_limit_that_resets_within_the_deadline_is_waited_out()
    {
        _h.GitHub.FailNext(GitHubOperation.ListWorkflowRuns, GitHubFault.RateLimitReset(TimeProvider.System.GetUtcNow().AddSeconds(1)));

        await _h.HandleAsync(_h.RulesText(), "req-1");

        Assert.Equal([403, 200], _h.GitHub.Requests.Where(r => r.Path.EndsWith("/runs", StringComparison.Ordinal)).Select(r => r.Status));
        Assert.Equal("succeeded", Assert.Single(_h.Audits("action")).GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task A_rate_limit_past_the_deadline_hands_the_records_back_at_once(HttpStatusCode status)
    {
        _h.GitHub.FailNext(GitHubOperation.Dispatch, GitHubFault.RetryAfter(3600, status));

        var response = await _h.HandleAsync(_h.RulesText(), "req-1");

        Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal(24, response.GetProperty("batchItemFailures").GetArrayLength());
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("retry", audit.GetProperty("outcome").GetString());
        Assert.Contains("rate limited for 3600s", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_budget_per_repository_suppresses_dispatches_beyond_it()
    {
        // Two rules dispatch to the same repository in one batch; the budget allows one.
        var second = """
              - id: checkout-5xx-second
                match: { field: status, gte: 500 }
                threshold: { count: 5, within: 5m }
                cooldown: 1h
                actions:
                  - type: github_workflow
                    repo: acme/checkout
                    workflow: rollback.yml
                    ref: main
            """;
        var rules = _h.RulesText(action: second, github: "  budget: { count: 1, within: 1h }");

        var response = await _h.HandleAsync(rules, "req-1");

        Assert.Single(_h.GitHub.Dispatches);
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var audits = _h.Audits("action");
        Assert.Equal(["succeeded", "suppressed"], audits.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Contains("budget of 1 dispatches per 1h for acme/checkout is used up", audits[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", audits[1].GetProperty("facts").GetProperty("budgetInUse").GetString());
    }

    [Fact]
    public async Task A_rendered_repository_outside_the_allow_list_is_refused_without_a_call()
    {
        var rules = _h.RulesText().Replace("repo: acme/checkout", "repo: \"acme/{{ kubernetes.namespace_name }}x\"", StringComparison.Ordinal);

        await _h.HandleAsync(rules, "req-1");

        Assert.Empty(_h.GitHub.Requests);
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("repo 'acme/checkoutx' is not in github.repositories", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inputs_that_render_larger_than_GitHub_takes_fail_without_dispatching_or_taking_the_budget()
    {
        // The literal text alone passes the load-time check; with the rendered values and sample lines it is too big.
        var big = new string('x', 65_400);
        var rules = _h.RulesText().Replace("          reason:", $"          padding: {big}\n          reason:", StringComparison.Ordinal);

        await _h.HandleAsync(rules, "req-1");

        Assert.Empty(_h.GitHub.Dispatches);
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("characters as JSON; GitHub takes at most 65535", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(audit.GetProperty("facts").TryGetProperty("budgetInUse", out _));
    }

    [Fact]
    public async Task No_successful_deploy_to_roll_back_to_fails_without_dispatching()
    {
        var rules = _h.RulesText().Replace("deploy_workflow: deploy.yml", "deploy_workflow: build.yml", StringComparison.Ordinal);

        await _h.HandleAsync(rules, "req-1");

        Assert.Empty(_h.GitHub.Dispatches);
        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("build.yml has no successful run on main", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_credentials_fail_and_are_named_nowhere()
    {
        _h.Secret = "github_pat_" + Guid.NewGuid().ToString("N");

        await _h.HandleAsync(_h.RulesText(), "req-1");

        var audit = Assert.Single(_h.Audits("action"));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("GitHub answered 401 (Bad credentials)", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Secret, _h.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fakes_run_listing_conforms_to_GitHubs_description()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_h.GitHub.BaseUrl, "/api/v3/repos/acme/checkout/actions/workflows/deploy.yml/runs?branch=main"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _h.Token);
        using var response = await http.SendAsync(request);
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Empty(_h.GitHub.RunsResponseErrors(page));
        Assert.Equal(3, (int)page["total_count"]!);
        Assert.Equal([103L, 102L, 101L], page["workflow_runs"]!.AsArray().Select(r => (long)r!["id"]!));
    }
}
