using Automation.Core.Actions;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.RollbackTrigger.GitHub;
using Octokit;

namespace Automation.RollbackTrigger;

/// <summary>RollbackFunction's object graph: the shared pipeline, and github_workflow actions dispatched through Octokit.</summary>
internal static class RollbackFunction
{
    public const string LogicalId = "RollbackFunction";

    /// <summary>Secret with the GitHub credentials: a token, or a GitHub App's JSON (app id, installation id, private key).</summary>
    public const string GitHubSecretVariable = "GITHUB_SECRET_ARN";

    /// <summary>What the function calls itself in User-Agent, as GitHub asks of every API client.</summary>
    public const string UserAgent = "aws-devops-automation-rollback";

    public static FunctionDefinition Definition { get; } = new(LogicalId, [GitHubSecretVariable, Automation.Core.Notify.Notifier.WebhookSecretVariable], services => CreateSink(services, GitHubRetryOptions.Default));

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(Definition, environment, logOutput, time, cancellationToken);

    /// <summary>
    /// The action stage, with the github: section of the rules INIT loaded. When the function acts (not dry-run) and a rule dispatches,
    /// INIT insists on an allow-list and a readable secret, so a bad configuration fails now, not at the first dispatch.
    /// </summary>
    /// <exception cref="ConfigurationException">The function would dispatch but has no allow-list or no usable secret.</exception>
    internal static IBatchSink CreateSink(FunctionServices services, GitHubRetryOptions options)
    {
        var rules = services.Rules;
        var dispatches = rules.Rules.Any(r => r.Actions.Any(a => a.Type == ActionCatalog.GitHubWorkflow));
        var settings = rules.GitHub ?? new GitHubSettings([]);
        if (dispatches && !services.Settings.DryRun)
        {
            CheckCanDispatch(rules, settings, services);
        }

        return CreateSink(services, settings, cancellationToken => services.Secrets.GetAsync(GitHubSecretVariable, cancellationToken), options);
    }

    /// <summary>The action stage with its settings and secret given (tests read the secret from memory).</summary>
    internal static ActionSink CreateSink(
        FunctionServices services, GitHubSettings settings, Func<CancellationToken, Task<string>> readSecret, GitHubRetryOptions options)
    {
        GitHubClient CreateClient(ICredentialStore credentials)
        {
            var client = settings.ApiUrl is { } url
                ? new GitHubClient(new ProductHeaderValue(UserAgent), credentials, url)
                : new GitHubClient(new ProductHeaderValue(UserAgent), credentials);
            client.SetRequestTimeout(options.RequestTimeout);
            return client;
        }

        var auth = new GitHubAuth(readSecret, credentials => CreateClient(new Octokit.Internal.InMemoryCredentialStore(credentials)), services.Time);
        var executor = new GitHubWorkflowExecutor(settings, auth, new GitHubApi(CreateClient(auth)), new GitHubCalls(services.Time, options), services.Ledger);
        return new ActionSink(new Dictionary<string, IActionExecutor>(StringComparer.Ordinal) { [ActionCatalog.GitHubWorkflow] = executor }, services);
    }

    private static void CheckCanDispatch(RuleSet rules, GitHubSettings settings, FunctionServices services)
    {
        if (settings.Repositories.Count == 0)
        {
            throw new ConfigurationException(
                $"{rules.Source} has github_workflow actions but no github.repositories: list the repositories they may dispatch to (docs/github.md).");
        }
        if (!services.Secrets.Has(GitHubSecretVariable))
        {
            throw new ConfigurationException(
                $"{rules.Source} has github_workflow actions but {GitHubSecretVariable} is not set: store a token or a GitHub App in Secrets Manager (docs/github.md).");
        }
        try
        {
            // INIT has just read the secret, so this comes from the client's cache without a call.
            _ = GitHubSecret.Parse(services.Secrets.GetAsync(GitHubSecretVariable, CancellationToken.None).GetAwaiter().GetResult());
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"{GitHubSecretVariable}: {e.Message}.");
        }
    }
}
