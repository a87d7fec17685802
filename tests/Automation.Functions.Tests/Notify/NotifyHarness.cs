using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Automation.Core.Notify;
using Automation.Functions.Tests.Cli;
using Automation.Functions.Tests.Ladder;
using Automation.PodRestarter;
using Automation.RollbackTrigger;
using Automation.Testing;
using Automation.Testing.GitHub;
using Automation.Testing.Kubernetes;
using Automation.Testing.Webhooks;

namespace Automation.Functions.Tests.Notify;

/// <summary>
/// Notifications as deployed: PodRestartFunction and RollbackFunction run as `invoke &lt;Function&gt; --live` (the CLI
/// in its own process, the real handler and Notifier), with the webhook URL in moto's Secrets Manager
/// (NOTIFY_WEBHOOK_SECRET_ARN), a queue in moto's SQS (NOTIFY_QUEUE_URL), the state in moto's DynamoDB, the fake
/// Kubernetes API (EKS token, HTTPS), the fake GitHub and the fake webhook. Every invocation's audit lines are checked
/// against the audit-line schema, and no output may hold the webhook URL's secret part.
/// </summary>
internal sealed class NotifyHarness : IAsyncDisposable
{
    public const string Namespace = DeployedFunctions.Namespace;
    public const string App = "payments-api";
    public const string OtherApp = "ledger";

    private readonly string _scratch = Directory.CreateTempSubdirectory("notify-e2e-").FullName;
    private readonly MotoServer _moto;
    private readonly TestCertificateAuthority _ca;
    private readonly IAmazonSQS _sqs;
    private readonly List<Message> _messages = [];
    private long _offset = 1000;
    private int _files;

    private NotifyHarness(MotoServer moto, TestCertificateAuthority ca, FakeKubernetesApi kubernetes, FakeGitHub github, FakeWebhook webhook, IAmazonSQS sqs, string queueUrl, Dictionary<string, string> environment)
    {
        _moto = moto;
        _ca = ca;
        Kubernetes = kubernetes;
        GitHub = github;
        Webhook = webhook;
        _sqs = sqs;
        QueueUrl = queueUrl;
        Environment = environment;
    }

    public FakeKubernetesApi Kubernetes { get; }

    public FakeGitHub GitHub { get; }

    public FakeWebhook Webhook { get; }

    public string QueueUrl { get; }

    /// <summary>What the functions see: give a rules file with <see cref="WriteRulesAsync"/>.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>The webhook URL's secret part (its token): no output may show it.</summary>
    public string WebhookToken => Webhook.Path[(Webhook.Path.LastIndexOf('/') + 1)..];

    /// <summary>The kubernetes: section: the fake API's cluster, the payments namespace, a namespace budget of <paramref name="budget"/> restarts.</summary>
    public static string KubernetesSection(int budget) => $$"""
        kubernetes:
          clusters:
            main:
              eks: { name: '${EKS_CLUSTER_NAME}', endpoint: '${EKS_CLUSTER_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }
          namespaces: [{{Namespace}}]
          budgets: { namespace: { count: {{budget}}, within: 10m } }
        """;

    public static async Task<NotifyHarness> StartAsync()
    {
        var moto = new MotoServer();
        var ca = new TestCertificateAuthority();
        var kubernetes = await FakeKubernetesApi.StartAsync(ca);
        kubernetes.AddDeployment(Namespace, App, Hash(App), Suffixes, ready: 2);
        kubernetes.AddDeployment(Namespace, OtherApp, Hash(OtherApp), Suffixes, ready: 2);
        var github = await FakeGitHub.StartAsync();
        var token = "github_pat_" + Guid.NewGuid().ToString("N");
        github.AcceptToken(token);
        var webhook = await FakeWebhook.StartAsync();
        var dynamo = MotoDynamoDb.Client(moto);
        var table = await MotoDynamoDb.CreateTableAsync(dynamo);
        dynamo.Dispose();
        var sqs = MotoSqs.Client(moto);
        var queue = await MotoSqs.CreateQueueAsync(sqs, fifo: false);
        var githubSecret = await MotoSecretsManager.CreateSecretAsync(moto, "github-" + Guid.NewGuid().ToString("N"), token);
        // The secret as docs/notify.md shows it: JSON with the URL in "url".
        var webhookSecret = await MotoSecretsManager.CreateSecretAsync(moto, "webhook-" + Guid.NewGuid().ToString("N"),
            JsonSerializer.Serialize(new Dictionary<string, string> { ["url"] = webhook.Url.ToString() }));
        var environment = DeployedFunctions.Environment(moto, table, githubSecret, kubernetes, ca);
        environment["AWS_ENDPOINT_URL_SQS"] = moto.Endpoint.ToString();
        environment[Notifier.WebhookSecretVariable] = webhookSecret;
        environment[Notifier.QueueUrlVariable] = queue;
        return new NotifyHarness(moto, ca, kubernetes, github, webhook, sqs, queue, environment);
    }

    public async Task WriteRulesAsync(string text)
    {
        var path = Path.Combine(_scratch, $"rules-{++_files}.yaml");
        await File.WriteAllTextAsync(path, text);
        Environment["RULES_FILE"] = path;
    }

    public static IEnumerable<byte[]> OomLines(string app, int count, DateTimeOffset from) => DeployedFunctions.OomLines(app, count, from);

    public static string Hash(string app) => DeployedFunctions.Hash(app);

    public static string[] Suffixes => DeployedFunctions.Suffixes;

    /// <summary>An MSK event of these lines, on the next offsets of the partition, written to a file for the CLI.</summary>
    public async Task<string> EventAsync(IEnumerable<byte[]> lines)
    {
        var values = lines.ToList();
        var path = Path.Combine(_scratch, $"event-{++_files}.json");
        await File.WriteAllBytesAsync(path, PodLogEvents.Event(values, TimeProvider.System.GetUtcNow(), _offset));
        _offset += values.Count;
        return path;
    }

    /// <summary>events/recovery-sweep.json: the scheduled event EventBridge sends the functions once a minute.</summary>
    public static string SweepEvent => Path.Combine(Fixtures.RepoRoot, "events", "recovery-sweep.json");

    /// <summary>
    /// `invoke <paramref name="function"/> --live -e <paramref name="eventPath"/>`: it succeeds, its audit lines hold
    /// to the schema and nothing it wrote holds the webhook's secret.
    /// </summary>
    public async Task<(LadderRun Run, JsonElement Response)> InvokeAsync(string function, string eventPath)
    {
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync(Environment, "invoke", function, "--live", "-e", eventPath);
        Assert.True(exitCode == 0, stderr);
        Assert.DoesNotContain(WebhookToken, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookToken, stderr, StringComparison.Ordinal);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var run = new LadderRun(function, lines);
        Assert.All(run.Audits("decision").Concat(run.Audits("action")), AssertValid);
        using var response = JsonDocument.Parse(stdout);
        return (run, response.RootElement.Clone());
    }

    /// <summary>A Kafka batch: every record processed (no batchItemFailures).</summary>
    public async Task<LadderRun> BatchAsync(string function, string eventPath)
    {
        var (run, response) = await InvokeAsync(function, eventPath);
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        return run;
    }

    public Task<LadderRun> RestartAsync(string eventPath) => BatchAsync(PodRestartFunction.LogicalId, eventPath);

    public Task<LadderRun> RollbackAsync(string eventPath) => BatchAsync(RollbackFunction.LogicalId, eventPath);

    /// <summary>One scheduled invocation of the recovery sweep: how many incidents it resolved, and its log.</summary>
    public async Task<(int Resolved, LadderRun Run)> SweepAsync(string function)
    {
        var (run, response) = await InvokeAsync(function, SweepEvent);
        var resolved = Assert.Single(response.EnumerateObject());
        Assert.Equal("resolved", resolved.Name);
        return (resolved.Value.GetInt32(), run);
    }

    /// <summary>Every message the queue has received so far (each read once and deleted, so none comes back).</summary>
    public async Task<IReadOnlyList<Message>> MessagesAsync()
    {
        var fresh = await MotoSqs.ReceiveAllAsync(_sqs, QueueUrl);
        foreach (var message in fresh)
        {
            await _sqs.DeleteMessageAsync(QueueUrl, message.ReceiptHandle);
        }
        _messages.AddRange(fresh);
        Assert.All(_messages, m => Assert.DoesNotContain(WebhookToken, m.Body, StringComparison.Ordinal));
        return [.. _messages];
    }

    /// <summary>The webhook posts' mrkdwn texts, in arrival order.</summary>
    public List<string> Texts() =>
        [.. Webhook.Posts.Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("text").GetString()!)];

    /// <summary>The line holds to docs/schemas/audit-line.schema.json.</summary>
    public static void AssertValid(JsonElement line) => DeployedFunctions.AssertValid(line);

    public async ValueTask DisposeAsync()
    {
        _sqs.Dispose();
        await Webhook.DisposeAsync();
        await GitHub.DisposeAsync();
        await Kubernetes.DisposeAsync();
        _ca.Dispose();
        _moto.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }
}
