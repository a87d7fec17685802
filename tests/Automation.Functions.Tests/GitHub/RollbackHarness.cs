using System.Text.Json;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.RollbackTrigger;
using Automation.RollbackTrigger.GitHub;
using Automation.Testing;
using Automation.Testing.GitHub;

namespace Automation.Functions.Tests.GitHub;

/// <summary>
/// RollbackFunction's whole handler (decode, rules, ledger, the github_workflow executor with the real Octokit client)
/// against the fake GitHub, with the 5xx-after-deploy sample event. The secret is held in memory.
/// </summary>
internal sealed class RollbackHarness : IAsyncDisposable
{
    public const string DeploySha = "4c1e7a0f5b2d9e8c3a6f1b0d7e2c9a8b5f3d1e0c";

    /// <summary>Fast retries: the tests wait for real, so backoffs are short; the margin still keeps a wait off the deadline.</summary>
    public static readonly GitHubRetryOptions FastRetries = new(TimeSpan.FromSeconds(10), 3, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5));

    private readonly StringWriter _log = new();
    private Automation.Core.Actions.ActionSink? _sink;

    private RollbackHarness(FakeGitHub github)
    {
        GitHub = github;
        Secret = Token;
        GitHub.AcceptToken(Token);
        // The newest successful deploy on main is the one to roll back to; a newer failed one and another branch's are not.
        var t0 = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
        GitHub.AddRun(new FakeWorkflowRun("deploy.yml", 101, "1111111111111111111111111111111111111111", "main", "completed", "success", t0));
        GitHub.AddRun(new FakeWorkflowRun("deploy.yml", 102, DeploySha, "main", "completed", "success", t0.AddMinutes(10)));
        GitHub.AddRun(new FakeWorkflowRun("deploy.yml", 103, "3333333333333333333333333333333333333333", "main", "completed", "failure", t0.AddMinutes(20)));
        GitHub.AddRun(new FakeWorkflowRun("deploy.yml", 104, "4444444444444444444444444444444444444444", "release", "completed", "success", t0.AddMinutes(30)));
    }

    public FakeGitHub GitHub { get; }

    public string Token { get; } = "github_pat_" + Guid.NewGuid().ToString("N");

    /// <summary>What the executor reads as GITHUB_SECRET_ARN's value.</summary>
    public string Secret { get; set; }

    public InMemoryRuleStateStore Store { get; } = new();

    public GitHubRetryOptions Options { get; set; } = FastRetries;

    /// <summary>How long each invocation has.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);

    public string LogText => _log.ToString();

    public static byte[] FiveHundredsEvent => File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "events", "http-5xx-after-deploy.json"));

    public static async Task<RollbackHarness> StartAsync() => new(await FakeGitHub.StartAsync());

    /// <summary>The rollback rule on the sample event, with <paramref name="github"/> lines added to the github: section.</summary>
    public string RulesText(string action = "", string github = "", string cooldown = "1h") => $$$"""
        version: 1
        rules:
          - id: checkout-5xx-rollback
            match:
              all:
                - field: 'kubernetes.labels["app.kubernetes.io/name"]'
                  equals: checkout-web
                - field: status
                  gte: 500
            threshold:
              count: 5
              within: 5m
              group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]', kubernetes.container_image]
            cooldown: {{{cooldown}}}
            actions:
              - type: github_workflow
                repo: acme/checkout
                workflow: rollback.yml
                ref: main
                rollback_to: last_successful_run
                inputs:
                  service: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
                  namespace: "{{ kubernetes.namespace_name }}"
                  image: "{{ kubernetes.container_image }}"
                  reason: "{{ rule.id }}: {{ count }} answers >= 500 within {{ window }}"
        {{{action}}}
        github:
          api_url: {{{GitHub.BaseUrl}}}
          repositories: [acme/checkout]
          deploy_workflow: deploy.yml
          samples: { input: log_sample, lines: 3, max_length: 120 }
        {{{github}}}
        """;

    /// <summary>Runs the batch through the handler; the action stage is built on the first call, with that call's github: settings.</summary>
    public async Task<JsonElement> HandleAsync(string rules, string requestId, byte[]? payload = null)
    {
        var ruleSet = RulesLoader.Parse(rules, "rules.yaml");
        var time = TimeProvider.System;
        var settings = new FunctionSettings(RollbackFunction.LogicalId, ReportBatchItemFailures: true, DryRun: false, LogSeverity.Info, "rules.yaml");
        var log = new JsonLog(_log, time);
        var services = new FunctionServices(settings, ruleSet, log, FunctionSecrets.None, new ActionLedger(Store, time), time);
        // Built once, as INIT does: what the executor caches (installation tokens) lives across invocations.
        _sink ??= RollbackFunction.CreateSink(services, ruleSet.GitHub!, _ => Task.FromResult(Secret), Options);
        var sink = _sink;
        var handler = new KafkaBatchHandler(settings, sink, new LogRecordParser(),
            new RuleEngine(ruleSet, Store, time, DecisionScope.ForFunction(RollbackFunction.LogicalId), dryRun: false), log, time);
        var context = new LambdaContext(requestId, time.GetUtcNow() + Timeout, null, null);
        using var response = JsonDocument.Parse(await handler.HandleAsync(payload ?? FiveHundredsEvent, context, CancellationToken.None));
        return response.RootElement.Clone();
    }

    public List<JsonElement> Audits(string audit) => [.. LogText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == audit)];

    public ValueTask DisposeAsync() => GitHub.DisposeAsync();
}
