using System.Globalization;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Settings;
using Automation.Core.Rules.Templates;

namespace Automation.Core.Rules.Loading;

/// <summary>
/// The <c>github:</c> section (RollbackFunction's allow-list, budget, API address, deploy workflow, sample lines) and
/// the checks of every github_workflow action against it and against GitHub's limits, so that a rule GitHub would
/// refuse fails `validate` and INIT rather than the dispatch.
/// </summary>
internal sealed partial class RulesReader
{
    private const string RepositoriesKey = "repositories";
    private const string BudgetKey = "budget";
    private const string ApiUrlKey = "api_url";
    private const string DeployWorkflowKey = "deploy_workflow";
    private const string InputKey = "input";
    private const string LinesKey = "lines";
    private const string MaxLengthKey = "max_length";
    private const int MaxSampleLines = 20;
    private const int MaxSampleLineLength = 2000;

    private static readonly string[] GitHubKeys = [RepositoriesKey, BudgetKey, ApiUrlKey, DeployWorkflowKey, SamplesKey];

    private GitHubSettings? ReadGitHub(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "github", "a mapping with repositories: (the repositories actions may dispatch to)");
            return null;
        }
        var before = _problems.Count;
        CheckKeys(map, GitHubKeys, "in github:");

        var repositories = new List<string>();
        if (map.Find(RepositoriesKey) is { } reposEntry)
        {
            if (Sequence(reposEntry.Value, "github.repositories", "a list of owner/name, e.g. [acme/checkout]") is { } list)
            {
                if (list.Items.Count == 0)
                {
                    _problems.At(list, "github.repositories is empty: list the repositories (owner/name) actions may dispatch to");
                }
                foreach (var item in list.Items)
                {
                    if (Text(item, "a repository") is not { } repo)
                    {
                        continue;
                    }
                    if (!RepositoryPattern().IsMatch(repo))
                    {
                        _problems.At(item, $"repository '{Shorten(repo)}' must read owner/name, e.g. acme/shop");
                    }
                    else if (repositories.Contains(repo, StringComparer.OrdinalIgnoreCase))
                    {
                        _problems.At(item, $"'{repo}' is already in github.repositories");
                    }
                    else
                    {
                        repositories.Add(repo);
                    }
                }
            }
        }

        var (budgetCount, budgetWithin) = (GitHubSettings.DefaultBudgetCount, (TimeSpan?)null);
        if (map.Find(BudgetKey) is { } budgetEntry)
        {
            (budgetCount, budgetWithin) = ReadGitHubBudget(budgetEntry.Value);
        }

        Uri? apiUrl = null;
        if (map.Find(ApiUrlKey) is { } urlEntry && Text(urlEntry.Value, "github.api_url") is { } url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" && parsed.Query.Length == 0)
            {
                apiUrl = parsed;
            }
            else
            {
                _problems.At(urlEntry.Value, $"github.api_url '{Shorten(url)}' must be an http(s) address such as https://github.example.com");
            }
        }

        string? deployWorkflow = null;
        if (map.Find(DeployWorkflowKey) is { } deployEntry)
        {
            deployWorkflow = Text(deployEntry.Value, "github.deploy_workflow");
        }

        var samples = (Input: (string?)null, Lines: GitHubSettings.DefaultSampleLines, Length: GitHubSettings.DefaultSampleLineLength);
        if (map.Find(SamplesKey) is { } samplesEntry)
        {
            samples = ReadGitHubSamples(samplesEntry.Value);
        }

        return _problems.Count > before
            ? null
            : new GitHubSettings(repositories, budgetCount, budgetWithin, apiUrl, deployWorkflow, samples.Input, samples.Lines, samples.Length);
    }

    private (int Count, TimeSpan? Within) ReadGitHubBudget(YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "github.budget", "a mapping such as { count: 3, within: 1h }");
            return (GitHubSettings.DefaultBudgetCount, null);
        }
        CheckKeys(map, [RulesKeys.Count, RulesKeys.Within], "in github.budget");
        var count = GitHubSettings.DefaultBudgetCount;
        if (map.Find(RulesKeys.Count) is { } countEntry)
        {
            count = WholeNumber(countEntry.Value, "github.budget count", 1, 1000) ?? count;
        }
        else
        {
            _problems.At(map, "github.budget needs count: (dispatches per repository within the window)");
        }
        TimeSpan? within = null;
        if (map.Find(RulesKeys.Within) is { } withinEntry)
        {
            within = Duration(withinEntry.Value, "github.budget within");
        }
        else
        {
            _problems.At(map, "github.budget needs within: (the window the dispatches are counted in), e.g. within: 1h");
        }
        return (count, within);
    }

    private (string? Input, int Lines, int Length) ReadGitHubSamples(YamlNode node)
    {
        var result = ((string?)null, GitHubSettings.DefaultSampleLines, GitHubSettings.DefaultSampleLineLength);
        if (node is not YamlMapping map)
        {
            Expected(node, "github.samples", "a mapping such as { input: log_sample, lines: 3, max_length: 200 }");
            return result;
        }
        CheckKeys(map, [InputKey, LinesKey, MaxLengthKey], "in github.samples");
        if (map.Find(InputKey) is { } inputEntry && Text(inputEntry.Value, "github.samples input") is { } input)
        {
            if (InputNamePattern().IsMatch(input))
            {
                result.Item1 = input;
            }
            else
            {
                _problems.At(inputEntry.Value, $"github.samples input '{Shorten(input)}' must start with a letter or '_' and hold only letters, digits, '_' and '-'");
            }
        }
        else if (map.Find(InputKey) is null)
        {
            _problems.At(map, "github.samples needs input: (the workflow input that receives the sample lines)");
        }
        if (map.Find(LinesKey) is { } linesEntry)
        {
            result.Item2 = WholeNumber(linesEntry.Value, "github.samples lines", 1, MaxSampleLines) ?? result.Item2;
        }
        if (map.Find(MaxLengthKey) is { } lengthEntry)
        {
            result.Item3 = WholeNumber(lengthEntry.Value, "github.samples max_length", 10, MaxSampleLineLength) ?? result.Item3;
        }
        return result;
    }

    private int? WholeNumber(YamlNode node, string what, int min, int max)
    {
        if (IntegerIn(node, min, max) is { } n)
        {
            return n;
        }
        if (node is not YamlRejected)
        {
            _problems.At(node, $"{what} must be a whole number from {min} to {max}, not {Describe(node)}");
        }
        return null;
    }

    /// <summary>
    /// Every github_workflow action of the file, against the github: section and GitHub's limits on workflow inputs:
    /// a literal repository must be on the allow-list, rollback_to needs a deploy workflow, and the inputs (with the
    /// ones the function adds) must stay within GitHub's count, and their literal text within its size.
    /// </summary>
    private void CheckGitHubActions(YamlMapping root, GitHubSettings? github)
    {
        foreach (var action in GitHubWorkflowActions(root))
        {
            if (github is not null && action.Find("repo")?.Value is YamlScalar { Kind: not ScalarKind.Null } repo
                && !repo.Value.Contains("{{", StringComparison.Ordinal) && RepositoryPattern().IsMatch(repo.Value)
                && !github.Allows(repo.Value))
            {
                var allowed = github.Repositories.Count == 0 ? "which is empty" : $"({string.Join(", ", github.Repositories)})";
                _problems.At(repo, $"repo '{repo.Value}' is not in github.repositories {allowed}: add it there, or dispatch elsewhere");
            }

            var rollback = action.Find("rollback_to");
            if (rollback is not null && github is not null && github.DeployWorkflow is null)
            {
                _problems.At(rollback.Value, "rollback_to: last_successful_run needs github.deploy_workflow (the workflow whose newest successful run is the last good version)");
            }

            var inputs = action.Find("inputs")?.Value as YamlMapping;
            var literal = new List<KeyValuePair<string, string>>();
            foreach (var entry in inputs?.Entries ?? [])
            {
                literal.Add(new(entry.Key.Value, entry.Value is YamlScalar scalar ? LiteralText(scalar.Text) : ""));
            }
            var added = new List<string>();
            if (rollback is not null)
            {
                added.Add(GitHubSettings.RollbackInput);
            }
            if (github?.SampleInput is { } sampleInput)
            {
                added.Add(sampleInput);
            }
            foreach (var name in added.Where(n => literal.Any(i => i.Key == n)))
            {
                var at = inputs!.Entries.First(e => e.Key.Value == name).Key;
                _problems.At(at, name == GitHubSettings.RollbackInput && rollback is not null
                    ? $"inputs.{name} is what rollback_to fills in: rename this input or leave rollback_to out"
                    : $"inputs.{name} is github.samples' input: rename one of them");
            }
            var count = literal.Count + added.Count(n => literal.All(i => i.Key != n));
            var where = (YamlNode?)inputs ?? action;
            if (count > GitHubSettings.MaxInputs)
            {
                var extra = added.Count == 0 ? "" : $" ({string.Join(" and ", added)} included, which the function adds)";
                _problems.At(where, $"a github_workflow action sends {count} inputs{extra}; GitHub takes at most {GitHubSettings.MaxInputs}");
            }
            var size = GitHubSettings.InputsPayloadLength(literal);
            if (size > GitHubSettings.MaxInputsPayload)
            {
                _problems.At(where, $"the inputs' text alone is {size} characters as JSON; GitHub takes at most {GitHubSettings.MaxInputsPayload}");
            }
        }
    }

    /// <summary>The mappings of the file's github_workflow actions, however the rest of the file reads.</summary>
    private static IEnumerable<YamlMapping> GitHubWorkflowActions(YamlMapping root)
    {
        if (root.Find(RulesKeys.Rules)?.Value is not YamlSequence rules)
        {
            yield break;
        }
        foreach (var rule in rules.Items.OfType<YamlMapping>())
        {
            if (rule.Find(RulesKeys.Actions)?.Value is not YamlSequence actions)
            {
                continue;
            }
            foreach (var action in actions.Items.OfType<YamlMapping>())
            {
                if (action.Find(ActionCatalog.TypeKey)?.Value is YamlScalar { Value: ActionCatalog.GitHubWorkflow })
                {
                    yield return action;
                }
            }
        }
    }

    /// <summary>A template's literal text, its holes left empty: the least a value renders to.</summary>
    private static string LiteralText(string text)
    {
        try
        {
            return string.Concat(Template.Parse(text).Parts.OfType<LiteralPart>().Select(p => p.Text));
        }
        catch (TemplateException)
        {
            return ""; // reported where the action is read
        }
    }
}
