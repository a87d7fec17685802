using System.Globalization;
using System.Text.Json;
using Automation.Functions.Tests.Cli;
using Automation.Testing;
using Automation.Testing.Kubernetes;
using Xunit.Abstractions;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>
/// The CLI as an operator runs it (`invoke PodRestartFunction --live`, a separate process) against the fake
/// Kubernetes API over HTTPS: the sample crash-loop event restarts the right workload exactly once, the same batch
/// again restarts nothing (the ledger in DynamoDB, moto's server), and a storm stops at the budget. The storm test
/// writes the decision-to-API-call latency it measured and the API calls per restart to the test output.
/// </summary>
public sealed class CrashLoopEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("crashloop-").FullName;
    private readonly TestCertificateAuthority _ca = new();
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync(_ca);

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _ca.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    private Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        ["EKS_CLUSTER_NAME"] = "shop-cluster",
        ["EKS_CLUSTER_ENDPOINT"] = _api.Endpoint,
        ["EKS_CLUSTER_CA"] = _ca.EksData,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["REPORT_BATCH_ITEM_FAILURES"] = "true",
    };

    private const string Section = """
        kubernetes:
          clusters:
            main:
              eks: { name: '${EKS_CLUSTER_NAME}', endpoint: '${EKS_CLUSTER_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }
          namespaces: [payments, shop]
        """;

    [Fact]
    public async Task The_sample_crash_loop_restarts_its_deployment_once_and_the_same_batch_again_restarts_nothing()
    {
        // events/pod-crashloop.json: payments-api-6c9d7f8b5-qx7tz runs out of memory three times in four minutes.
        _api.AddDeployment("payments", "payments-api", "6c9d7f8b5", ["qx7tz", "h4m2p"], ready: 2,
            templateAnnotations: new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" });
        _api.AddDeployment("payments", "ledger", "7b8c9d0e1", ["a1b2c"], ready: 1);
        var rules = await WriteRulesAsync("""
            version: 1
            rules:
              - id: payments-oom
                match:
                  all:
                    - field: kubernetes.pod_name
                      exists: true
                    - contains: java.lang.OutOfMemoryError
                threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
                cooldown: 15m
                actions:
                  - type: rollout_restart
                    namespace: "{{ kubernetes.namespace_name }}"
                    workload: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
            """ + "\n" + Section);
        using var moto = new MotoServer();
        using var dynamo = MotoDynamoDb.Client(moto);
        var environment = Environment();
        environment["STATE_TABLE"] = await MotoDynamoDb.CreateTableAsync(dynamo);
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = moto.Endpoint.ToString();
        string[] args = ["invoke", "PodRestartFunction", "-e", "events/pod-crashloop.json", "-r", rules, "--live"];

        var first = await CliProcess.RunAsync(environment, args);
        var afterFirst = _api.Requests.Count;
        var second = await CliProcess.RunAsync(environment, args);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var patch = Assert.Single(_api.Requests, r => r.Mutates);
        Assert.Equal("PATCH /apis/apps/v1/namespaces/payments/deployments/payments-api", $"{patch.Method} {patch.Path}");
        Assert.Equal(afterFirst, _api.Requests.Count);
        var annotations = _api.Get("deployments", "payments", "payments-api")!["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();
        Assert.Equal(["prometheus.io/scrape", "kubectl.kubernetes.io/restartedAt"], annotations.Select(a => a.Key));
        Assert.Null(_api.Get("deployments", "payments", "ledger")!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);

        var audit = Assert.Single(Audits(first.Stderr, "action"));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Empty(Audits(second.Stderr, "action"));
        Assert.Contains(Audits(second.Stderr, "decision"), d => d.GetProperty("outcome").GetString() == "already_done");
    }

    [Fact]
    public async Task A_storm_of_500_records_in_50_pods_stops_at_the_budget()
    {
        var suffixes = Enumerable.Range(0, 50).Select(i => $"p{i:D2}").ToList();
        _api.AddDeployment("shop", "storm", "5f6a7b8c9", suffixes, ready: 50);
        var now = TimeProvider.System.GetUtcNow();
        var lines = Enumerable.Range(0, 500).Select(i => PodLogEvents.Line("shop", "storm", "5f6a7b8c9", suffixes[i % 50], $"panic: request {i} failed", now.AddMilliseconds(i)));
        var eventPath = Path.Combine(_scratch, "storm.json");
        await File.WriteAllBytesAsync(eventPath, PodLogEvents.Event(lines, now));
        var rules = await WriteRulesAsync("""
            version: 1
            rules:
              - id: storm
                match: { contains: "panic:" }
                threshold: { count: 5, within: 10m, group_by: [kubernetes.namespace_name, kubernetes.pod_name] }
                cooldown: 10m
                actions:
                  - type: restart_pod
            """ + "\n" + Section + "\n  budgets: { namespace: { count: 10, within: 10m }, cluster: { count: 20, within: 10m } }\n");

        var run = await CliProcess.RunAsync(Environment(), "invoke", "PodRestartFunction", "-e", eventPath, "-r", rules, "--live");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var deletes = _api.Requests.Where(r => r.Method == "DELETE").ToList();
        Assert.Equal(10, deletes.Count);
        Assert.Equal(10, deletes.Select(d => d.Path).Distinct().Count());
        var actions = Audits(run.Stderr, "action");
        Assert.Equal(50, actions.Count);
        Assert.Equal(10, actions.Count(a => a.GetProperty("outcome").GetString() == "succeeded"));
        var open = actions.Where(a => a.GetProperty("outcome").GetString() == "suppressed").ToList();
        Assert.Equal(40, open.Count);
        Assert.All(open, a => Assert.StartsWith("CIRCUIT OPEN", a.GetProperty("detail").GetString(), StringComparison.Ordinal));
        Assert.Equal(40, _api.Requests.Count); // 10 restarts × 4 calls; the open circuit called nothing

        // Decision (its audit line) to the delete reaching the API server, per restarted pod.
        var decided = Audits(run.Stderr, "decision")
            .Where(d => d.GetProperty("outcome").GetString() == "fired")
            .ToDictionary(d => Pod(d.GetProperty("group").GetString()!), d => DateTimeOffset.Parse(d.GetProperty("time").GetString()!, CultureInfo.InvariantCulture));
        var latencies = deletes.Select(d => (d.At - decided[d.Path[(d.Path.LastIndexOf('/') + 1)..]]).TotalMilliseconds).Order().ToList();
        output.WriteLine($"restarts: {deletes.Count}, API calls: {_api.Requests.Count} ({(double)_api.Requests.Count / deletes.Count:F1} per restart), circuit-open actions: {open.Count} (0 calls)");
        output.WriteLine($"decision-to-delete latency ms: p50 {Percentile(latencies, 0.50):F1}, p99 {Percentile(latencies, 0.99):F1}, min {latencies[0]:F1}, max {latencies[^1]:F1}");
        var durations = actions.Where(a => a.GetProperty("outcome").GetString() == "succeeded").Select(a => a.GetProperty("durationMs").GetDouble()).Order().ToList();
        output.WriteLine($"restart action duration ms (4 calls each): p50 {Percentile(durations, 0.50):F1}, p99 {Percentile(durations, 0.99):F1}, first {actions.First(a => a.GetProperty("outcome").GetString() == "succeeded").GetProperty("durationMs").GetDouble():F1}");
        Assert.All(latencies, l => Assert.True(l >= -50, $"a delete arrived {l} ms before its decision was logged"));
    }

    private async Task<string> WriteRulesAsync(string text)
    {
        var path = Path.Combine(_scratch, $"rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static List<JsonElement> Audits(string stderr, string kind) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == kind)
            .ToList();

    // group: kubernetes.namespace_name="shop", kubernetes.pod_name="storm-5f6a7b8c9-p07"
    private static string Pod(string group) => group[(group.LastIndexOf('=') + 2)..^1];

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
