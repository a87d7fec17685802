using System.Text.Json;
using Automation.Functions.Tests.EndToEnd;
using Automation.Testing;
using Automation.Testing.Kubernetes;
using Automation.Testing.Lambda;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>
/// The Native AOT bootstrap (as `sam build` makes it) restarting a workload and a pod on the fake Kubernetes API over
/// HTTPS: KubernetesClient.Aot's source-generated models, the merge patch and the delete options work trimmed.
/// </summary>
[Collection(PublishedBootstrapCollection.Name)]
public sealed class BootstrapKubernetesTests(PublishedBootstrap bootstrap) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bootstrap-k8s-").FullName;
    private readonly TestCertificateAuthority _ca = new();
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync(_ca);

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _ca.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task The_published_bootstrap_restarts_the_crash_looping_deployment_and_pod()
    {
        _api.AddDeployment("payments", "payments-api", "6c9d7f8b5", ["qx7tz", "h4m2p"], ready: 2);
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, """
            version: 1
            rules:
              - id: payments-oom
                match: { contains: java.lang.OutOfMemoryError }
                threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, 'kubernetes.labels["app.kubernetes.io/name"]'] }
                cooldown: 15m
                actions:
                  - type: rollout_restart
                    namespace: "{{ kubernetes.namespace_name }}"
                    workload: '{{ kubernetes.labels["app.kubernetes.io/name"] }}'
              - id: payments-pod
                match: { contains: java.lang.OutOfMemoryError }
                threshold: { count: 3, within: 10m, group_by: [kubernetes.namespace_name, kubernetes.pod_name] }
                cooldown: 15m
                actions:
                  - type: restart_pod
                    grace_period_seconds: 20
            kubernetes:
              clusters:
                main:
                  eks: { name: '${EKS_CLUSTER_NAME}', endpoint: '${EKS_CLUSTER_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }
              namespaces: [payments]
            """);
        var environment = new Dictionary<string, string>
        {
            ["RULES_FILE"] = rules,
            ["DRY_RUN"] = "false",
            ["EKS_CLUSTER_NAME"] = "shop-cluster",
            ["EKS_CLUSTER_ENDPOINT"] = _api.Endpoint,
            ["EKS_CLUSTER_CA"] = _ca.EksData,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };

        await using var runtime = await FakeLambdaRuntimeApi.StartAsync();
        var function = new BootstrapProcess(bootstrap.BootstrapPath, runtime.RuntimeApiAddress, environment);
        using (function)
        {
            var payload = await File.ReadAllBytesAsync(Path.Combine(Fixtures.RepoRoot, "events", "pod-crashloop.json"));
            var outcome = await runtime.Enqueue(new FakeInvocation(payload)).WaitAsync(Patience);
            Assert.False(outcome.IsError, System.Text.Encoding.UTF8.GetString(outcome.Body) + "\n" + function.Stderr);
        }

        Assert.Equal(
            ["PATCH /apis/apps/v1/namespaces/payments/deployments/payments-api", "DELETE /api/v1/namespaces/payments/pods/payments-api-6c9d7f8b5-qx7tz"],
            _api.Requests.Where(r => r.Mutates).Select(r => $"{r.Method} {r.Path}"));
        using var delete = JsonDocument.Parse(_api.Requests.Single(r => r.Method == "DELETE").Body);
        Assert.Equal(20, delete.RootElement.GetProperty("gracePeriodSeconds").GetInt32());
        Assert.NotNull(_api.Get("deployments", "payments", "payments-api")!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
        var actions = function.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == "action")
            .ToList();
        Assert.Equal(["succeeded", "succeeded"], actions.Select(a => a.GetProperty("outcome").GetString()));
    }
}
