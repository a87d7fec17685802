using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Automation.Core.State;
using Automation.Functions.Tests.Cli;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using Automation.Testing.GitHub;
using Automation.Testing.Kubernetes;

namespace Automation.Functions.Tests.Ladder;

/// <summary>
/// The restart → still failing → rollback ladder as deployed: PodRestartFunction and RollbackFunction each run as
/// `invoke &lt;Function&gt; --live` (the CLI in its own process, the real handler), sharing one state table in moto's
/// DynamoDB, with the fake Kubernetes API (EKS token, HTTPS) and the fake GitHub (token from moto's Secrets Manager).
/// Both read the same rules file. Every audit line an invocation writes is checked against the audit-line schema.
/// </summary>
internal sealed class LadderHarness : IAsyncDisposable
{
    public const string Namespace = DeployedFunctions.Namespace;
    public const string Restart = "restart-on-oom";
    public const string Rollback = "rollback-on-oom";
    public const int StillMatching = 5;

    private readonly string _scratch = Directory.CreateTempSubdirectory("ladder-").FullName;
    private readonly MotoServer _moto;
    private readonly TestCertificateAuthority _ca;
    private readonly Dictionary<string, string> _environment;
    private long _offset = 1000;
    private int _events;

    private LadderHarness(MotoServer moto, TestCertificateAuthority ca, FakeKubernetesApi kubernetes, FakeGitHub github, IAmazonDynamoDB dynamo, string table, Dictionary<string, string> environment)
    {
        _moto = moto;
        _ca = ca;
        Kubernetes = kubernetes;
        GitHub = github;
        Dynamo = dynamo;
        Table = table;
        _environment = environment;
    }

    public FakeKubernetesApi Kubernetes { get; }

    public FakeGitHub GitHub { get; }

    public IAmazonDynamoDB Dynamo { get; }

    public string Table { get; }

    /// <summary>The two steps, grouped per app: a rollout restart after 3 OOM lines, a rollback once the restart did not help.</summary>
    public static string RulesText(Uri githubApi) => $$$"""
        version: 1
        rules:
          - id: {{{Restart}}}
            match: { contains: java.lang.OutOfMemoryError }
            threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
            cooldown: 15m
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
          - id: {{{Rollback}}}
            match: { contains: java.lang.OutOfMemoryError }
            threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
            cooldown: 1h
            escalate_after: { rule: {{{Restart}}}, action: rollout_restart, within: 15m, still_matching: {{{StillMatching}}} }
            actions:
              - type: github_workflow
                repo: acme/payments
                workflow: rollback.yml
                ref: main
                inputs:
                  service: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
                  namespace: "{{ kubernetes.namespace_name }}"
                  reason: "{{ rule.id }}: {{ count }} OutOfMemoryError lines within {{ window }}"
        kubernetes:
          clusters:
            main:
              eks: { name: '${EKS_CLUSTER_NAME}', endpoint: '${EKS_CLUSTER_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }
          namespaces: [{{{Namespace}}}]
        github:
          api_url: {{{githubApi}}}
          repositories: [acme/payments]
        """;

    public static async Task<LadderHarness> StartAsync()
    {
        var moto = new MotoServer();
        var ca = new TestCertificateAuthority();
        var kubernetes = await FakeKubernetesApi.StartAsync(ca);
        var github = await FakeGitHub.StartAsync();
        var token = "github_pat_" + Guid.NewGuid().ToString("N");
        github.AcceptToken(token);
        var dynamo = MotoDynamoDb.Client(moto);
        var table = await MotoDynamoDb.CreateTableAsync(dynamo);
        var secret = await MotoSecretsManager.CreateSecretAsync(moto, "github-" + Guid.NewGuid().ToString("N"), token);
        var environment = DeployedFunctions.Environment(moto, table, secret, kubernetes, ca);
        var harness = new LadderHarness(moto, ca, kubernetes, github, dynamo, table, environment);
        var rules = Path.Combine(harness._scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, RulesText(github.BaseUrl));
        environment["RULES_FILE"] = rules;
        return harness;
    }

    public static IEnumerable<byte[]> OomLines(string app, int count, DateTimeOffset from) => DeployedFunctions.OomLines(app, count, from);

    public static string Hash(string app) => DeployedFunctions.Hash(app);

    public static string[] Suffixes => DeployedFunctions.Suffixes;

    /// <summary>An MSK event of these lines, on the next offsets of the partition, written to a file for the CLI.</summary>
    public async Task<string> EventAsync(IEnumerable<byte[]> lines)
    {
        var values = lines.ToList();
        var path = Path.Combine(_scratch, $"event-{++_events}.json");
        await File.WriteAllBytesAsync(path, PodLogEvents.Event(values, TimeProvider.System.GetUtcNow(), _offset));
        _offset += values.Count;
        return path;
    }

    /// <summary>`invoke <paramref name="function"/> [--live] -e <paramref name="eventPath"/>`; every audit line it wrote holds to the schema.</summary>
    public async Task<LadderRun> InvokeAsync(string function, string eventPath, bool live = true)
    {
        string[] args = live ? ["invoke", function, "--live", "-e", eventPath] : ["invoke", function, "-e", eventPath];
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(_environment, args);
        Assert.True(exitCode == 0, stderr);
        using (var response = JsonDocument.Parse(stdout))
        {
            Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        }
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var run = new LadderRun(function, lines);
        Assert.All(run.Audits("decision").Concat(run.Audits("action")), DeployedFunctions.AssertValid);
        return run;
    }

    public Task<LadderRun> RestartAsync(string eventPath, bool live = true) => InvokeAsync(PodRestartFunction.LogicalId, eventPath, live);

    public Task<LadderRun> RollbackAsync(string eventPath, bool live = true) => InvokeAsync(RollbackFunction.LogicalId, eventPath, live);

    /// <summary>The ledger item of the restart rule's rollout_restart of <paramref name="app"/>, as DynamoDB holds it.</summary>
    public async Task<Dictionary<string, AttributeValue>> RestartLedgerItemAsync(string app)
    {
        var key = $"cooldown|{Restart}|0|rollout_restart namespace={Namespace} workload={app}";
        var response = await Dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            ConsistentRead = true,
            Key = new Dictionary<string, AttributeValue>
            {
                [DynamoDbRuleStateStore.PartitionKey] = new() { S = "action#" + key },
                [DynamoDbRuleStateStore.SortKey] = new() { S = "ledger" },
            },
        });
        Assert.True(response.IsItemSet, $"no ledger item for {key}");
        return response.Item;
    }

    /// <summary>An epoch-milliseconds attribute as the engine writes times in reasons.</summary>
    public static string Time(AttributeValue epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(epochMilliseconds.N, System.Globalization.CultureInfo.InvariantCulture))
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Dynamo.Dispose();
        await GitHub.DisposeAsync();
        await Kubernetes.DisposeAsync();
        _ca.Dispose();
        _moto.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }
}
