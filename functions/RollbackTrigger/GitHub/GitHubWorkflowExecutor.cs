using System.Globalization;
using System.Text.RegularExpressions;
using Automation.Core.Actions;
using Automation.Core.Aws.Secrets;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Settings;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// github_workflow: dispatches a workflow (workflow_dispatch) with the rule's rendered inputs. Rendered values come from
/// log records, so they are checked again here: the repository against the allow-list, the workflow and ref against
/// what GitHub accepts, the inputs against GitHub's limits. Then the ref (the default branch when the rule names
/// none), the last good commit when rollback_to asks for it, one unit of the repository's budget, and the dispatch,
/// asking for the run's id and URL.
/// </summary>
internal sealed partial class GitHubWorkflowExecutor : IActionExecutor
{
    private const string InputPrefix = "inputs.";

    private readonly GitHubSettings _settings;
    private readonly GitHubAuth _auth;
    private readonly GitHubApi _api;
    private readonly GitHubCalls _calls;
    private readonly ActionLedger _ledger;

    public GitHubWorkflowExecutor(GitHubSettings settings, GitHubAuth auth, GitHubApi api, GitHubCalls calls, ActionLedger ledger)
    {
        _settings = settings;
        _auth = auth;
        _api = api;
        _calls = calls;
        _ledger = ledger;
    }

    public async Task<ActionResult> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = request.Decision.Action!.Parameters;
        var repository = parameters.GetValueOrDefault("repo", "");
        var workflow = parameters.GetValueOrDefault("workflow", "");
        var facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["repository"] = repository, ["workflow"] = workflow };

        if (!RepositoryPattern().IsMatch(repository))
        {
            return ActionResult.Failed($"repo '{Printable(repository)}' does not read owner/name", facts);
        }
        if (!_settings.Allows(repository))
        {
            return ActionResult.Failed($"repo '{repository}' is not in github.repositories", facts);
        }
        if (!WorkflowPattern().IsMatch(workflow))
        {
            return ActionResult.Failed($"workflow '{Printable(workflow)}' is not a workflow file name or id", facts);
        }
        var reference = parameters.GetValueOrDefault("ref");
        if (reference is not null && !IsRefName(reference))
        {
            return ActionResult.Failed($"ref '{Printable(reference)}' is not a branch or tag name", facts);
        }

        var inputs = parameters.Where(p => p.Key.StartsWith(InputPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[InputPrefix.Length..], p => p.Value, StringComparer.Ordinal);
        if (_settings.SampleInput is { } sampleInput && !inputs.ContainsKey(sampleInput))
        {
            inputs[sampleInput] = SampleLines.From(request, _settings.SampleLines, _settings.SampleLineLength);
        }
        var rollback = parameters.ContainsKey("rollback_to");
        var count = inputs.Count + (rollback && !inputs.ContainsKey(GitHubSettings.RollbackInput) ? 1 : 0);
        if (count > GitHubSettings.MaxInputs)
        {
            return ActionResult.Failed($"{count} inputs; GitHub takes at most {GitHubSettings.MaxInputs}", facts);
        }
        if (rollback && _settings.DeployWorkflow is null)
        {
            return ActionResult.Failed("rollback_to needs github.deploy_workflow", facts);
        }

        var deadline = request.Context.Deadline;
        var owner = repository[..repository.IndexOf('/', StringComparison.Ordinal)];
        var name = repository[(owner.Length + 1)..];

        try
        {
            var credentials = await _calls.RunAsync("GitHub credentials", _auth.GetCredentialsAsync, deadline, cancellationToken).ConfigureAwait(false);
            if (!credentials.Succeeded)
            {
                return WithFacts(credentials.Problem!, facts);
            }
        }
        catch (SecretUnavailableException e)
        {
            // Names the variable and the secret, never a value.
            return ActionResult.Retry(e.Message, facts);
        }

        if (reference is null)
        {
            var branch = await _calls.RunAsync("default branch", ct => _api.DefaultBranchAsync(owner, name, ct), deadline, cancellationToken).ConfigureAwait(false);
            if (!branch.Succeeded)
            {
                return WithFacts(branch.Problem!, facts);
            }
            reference = branch.Value!;
        }
        facts["ref"] = reference;

        if (rollback && !inputs.ContainsKey(GitHubSettings.RollbackInput))
        {
            var deploy = _settings.DeployWorkflow!;
            var run = await _calls.RunAsync("last successful deploy", ct => _api.LastSuccessfulRunAsync(owner, name, deploy, reference, ct), deadline, cancellationToken)
                .ConfigureAwait(false);
            if (!run.Succeeded)
            {
                return WithFacts(run.Problem!, facts);
            }
            if (run.Value is not { } good)
            {
                return ActionResult.Failed($"{deploy} has no successful run on {reference} to roll back to", facts);
            }
            inputs[GitHubSettings.RollbackInput] = good.HeadSha;
            facts["rollbackTo"] = good.HeadSha;
            facts["rollbackRunId"] = good.RunId.ToString(CultureInfo.InvariantCulture);
        }

        var size = GitHubSettings.InputsPayloadLength(inputs);
        if (size > GitHubSettings.MaxInputsPayload)
        {
            return ActionResult.Failed($"the inputs are {size} characters as JSON; GitHub takes at most {GitHubSettings.MaxInputsPayload}", facts);
        }

        // Taken last, just before the call it guards: a lookup that fails costs no unit of the budget.
        var budget = await _ledger.TakeBudgetAsync(
            "github|" + repository.ToLowerInvariant(), _settings.BudgetCount, _settings.Budget, request.Context.AwsRequestId, cancellationToken).ConfigureAwait(false);
        if (!budget.Taken)
        {
            facts["budgetInUse"] = budget.InUse.ToString(CultureInfo.InvariantCulture);
            if (budget.FreesAt is { } freesAt)
            {
                facts["budgetFreesAt"] = freesAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            }
            return ActionResult.Suppressed(
                $"the budget of {_settings.BudgetCount} dispatches per {Durations(_settings.Budget)} for {repository} is used up", facts);
        }

        var dispatch = await _calls.RunAsync("dispatch", ct => _api.DispatchAsync(owner, name, workflow, reference, inputs, ct), deadline, cancellationToken)
            .ConfigureAwait(false);
        if (!dispatch.Succeeded)
        {
            return WithFacts(dispatch.Problem!, facts);
        }
        var outcome = dispatch.Value!;
        facts["httpStatus"] = outcome.StatusCode.ToString(CultureInfo.InvariantCulture);
        if (dispatch.Attempts > 1)
        {
            facts["attempts"] = dispatch.Attempts.ToString(CultureInfo.InvariantCulture);
        }
        if (outcome.RunId is { } runId)
        {
            facts["runId"] = runId.ToString(CultureInfo.InvariantCulture);
        }
        if (outcome.RunUrl is { } runUrl)
        {
            facts["runUrl"] = runUrl;
        }
        if (outcome.HtmlUrl is { } htmlUrl)
        {
            facts["htmlUrl"] = htmlUrl;
        }
        var what = outcome.RunId is { } id ? $"run {id}" : "a run (GitHub gave no run details)";
        return ActionResult.Succeeded($"dispatched {workflow} on {repository}@{reference}: {what}", facts);
    }

    private static ActionResult WithFacts(ActionResult result, Dictionary<string, string> facts)
    {
        foreach (var (key, value) in result.Facts ?? new Dictionary<string, string>())
        {
            facts[key] = value;
        }
        return result with { Facts = facts };
    }

    /// <summary>A branch or tag name as git allows it (check-ref-format, simplified): no spaces, control characters or '..'.</summary>
    private static bool IsRefName(string reference) =>
        reference.Length is > 0 and <= 255 && RefPattern().IsMatch(reference) && !reference.Contains("..", StringComparison.Ordinal)
        && !reference.EndsWith('/') && !reference.EndsWith(".lock", StringComparison.Ordinal);

    private static string Printable(string text) => SampleLines.Clean(text, 60);

    private static string Durations(TimeSpan span) =>
        span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.TotalDays:0}d"
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.TotalHours:0}h"
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.TotalMinutes:0}m"
        : $"{span.TotalSeconds:0}s";

    [GeneratedRegex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,255}$")]
    private static partial Regex WorkflowPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._/+@-]+$")]
    private static partial Regex RefPattern();
}
