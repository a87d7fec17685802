using System.Text.Json.Nodes;
using Automation.Testing.Kubernetes;
using static Automation.Functions.Tests.Kubernetes.RestartHarness;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>
/// rollout_restart without workload: the owner of the pod that logged, from the record's ownerReferences or the API
/// (pod → ReplicaSet → Deployment; StatefulSet and DaemonSet directly), with the real client against the fake API.
/// </summary>
public sealed class RolloutRestartOwnerTests : IAsyncLifetime
{
    private const string Rule = """
          - id: oom
            match: { contains: OutOfMemoryError }
            cooldown: 15m
            actions:
              - type: rollout_restart
        """;

    private const string Oom = "java.lang.OutOfMemoryError: Java heap space";

    private RestartHarness _harness = null!;
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNow();

    public async Task InitializeAsync() => _harness = await StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private FakeKubernetesApi Api => _harness.Api;

    private static Dictionary<string, string> Labels(string app, string? hash = null) =>
        hash is null ? new() { ["app.kubernetes.io/name"] = app } : new() { ["app.kubernetes.io/name"] = app, ["pod-template-hash"] = hash };

    private byte[] Event(params byte[][] lines) => PodLogEvents.Event(lines, _now);

    private byte[] Line(string pod, Dictionary<string, string> labels, (string Kind, string Name)? owner, string ns = Namespace) =>
        PodLogEvents.PodLine(ns, pod, labels, owner, Oom, _now);

    private List<string> Calls() => Api.Requests.Select(r => $"{r.Method} {r.Path}").ToList();

    private static string RestartedAt(JsonObject workload) =>
        workload["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>();

    [Fact]
    public async Task The_records_replicaset_leads_to_its_deployment_which_gets_the_merge_patch()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2,
            templateAnnotations: new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" });
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(PodLogEvents.Line(Namespace, "api", "6c9d7f8b5", "qx7tz", Oom, _now)));

        Assert.Equal(
        [
            "GET /apis/apps/v1/namespaces/shop/replicasets/api-6c9d7f8b5",
            "GET /apis/apps/v1/namespaces/shop/deployments/api",
            "PATCH /apis/apps/v1/namespaces/shop/deployments/api",
        ], Calls());
        var patch = Api.Requests[2];
        Assert.StartsWith(FakeKubernetesApi.MergePatchContentType, patch.ContentType, StringComparison.Ordinal);
        var annotations = JsonNode.Parse(patch.Body)!["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("kubectl.kubernetes.io/restartedAt", Assert.Single(annotations).Key);
        var stored = Api.Get("deployments", Namespace, "api")!;
        Assert.Equal("true", stored["spec"]!["template"]!["metadata"]!["annotations"]!["prometheus.io/scrape"]!.GetValue<string>());
        Assert.Equal(annotations["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>(), RestartedAt(stored));

        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("Deployment/api", Fact(audit, "workload"));
        Assert.Equal("api-6c9d7f8b5-qx7tz", Fact(audit, "pod"));
        Assert.Equal("record", Fact(audit, "ownerFrom"));
        Assert.Equal("3", Fact(audit, "apiCalls"));
    }

    [Fact]
    public async Task Without_owners_in_the_record_the_pod_is_read_through_the_api()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("api-6c9d7f8b5-qx7tz", Labels("api", "6c9d7f8b5"), owner: null)));

        Assert.Equal(
        [
            "GET /api/v1/namespaces/shop/pods/api-6c9d7f8b5-qx7tz",
            "GET /apis/apps/v1/namespaces/shop/replicasets/api-6c9d7f8b5",
            "GET /apis/apps/v1/namespaces/shop/deployments/api",
            "PATCH /apis/apps/v1/namespaces/shop/deployments/api",
        ], Calls());
        Assert.NotNull(Api.Get("deployments", Namespace, "api")!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("api", Fact(audit, "ownerFrom"));
        Assert.Equal("4", Fact(audit, "apiCalls"));
    }

    [Fact]
    public async Task A_statefulset_pod_restarts_its_statefulset_on_its_own_path()
    {
        Api.AddStatefulSet(Namespace, "db", replicas: 3);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("db-1", Labels("db"), ("StatefulSet", "db"))));

        Assert.Equal(["GET /apis/apps/v1/namespaces/shop/statefulsets/db", "PATCH /apis/apps/v1/namespaces/shop/statefulsets/db"], Calls());
        Assert.NotNull(Api.Get("statefulsets", Namespace, "db")!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
        Assert.Equal("StatefulSet/db", Fact(Assert.Single(ActionAudits(lines)), "workload"));
    }

    [Fact]
    public async Task A_statefulset_found_through_the_pod_is_patched()
    {
        Api.AddStatefulSet(Namespace, "db", replicas: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        await _harness.InvokeAsync(Event(Line("db-0", Labels("db"), owner: null)));

        Assert.Equal(
        [
            "GET /api/v1/namespaces/shop/pods/db-0",
            "GET /apis/apps/v1/namespaces/shop/statefulsets/db",
            "PATCH /apis/apps/v1/namespaces/shop/statefulsets/db",
        ], Calls());
    }

    [Fact]
    public async Task Two_pods_of_one_deployment_in_a_batch_restart_it_once_and_the_batch_again_restarts_nothing()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));
        var batch = Event(PodLogEvents.Line(Namespace, "api", "6c9d7f8b5", "qx7tz", Oom, _now), PodLogEvents.Line(Namespace, "api", "6c9d7f8b5", "m2k8d", Oom, _now));

        var (_, first) = await _harness.InvokeAsync(batch);
        var (_, again) = await _harness.InvokeAsync(batch);

        Assert.Single(Api.Requests, r => r.Method == "PATCH");
        Assert.Equal("succeeded", Assert.Single(ActionAudits(first)).GetProperty("outcome").GetString());
        Assert.Empty(ActionAudits(again));
    }

    [Fact]
    public async Task Pods_without_owners_in_their_records_claim_apart_and_the_rollout_in_progress_stops_the_second()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));
        var labels = Labels("api", "6c9d7f8b5");

        var (_, lines) = await _harness.InvokeAsync(Event(Line("api-6c9d7f8b5-qx7tz", labels, owner: null), Line("api-6c9d7f8b5-m2k8d", labels, owner: null)));

        // Each pod is its own cooldown target: two actions, one patch; the second sees the first still rolling out.
        Assert.Single(Api.Requests, r => r.Method == "PATCH");
        var audits = ActionAudits(lines);
        Assert.Equal(["succeeded", "suppressed"], audits.Select(a => a.GetProperty("outcome").GetString()).Order(StringComparer.Ordinal));
        var second = Assert.Single(audits, a => a.GetProperty("outcome").GetString() == "suppressed");
        Assert.Contains("is still rolling out (the controller has not seen its last change yet)", second.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_gone_from_the_api_is_a_failure_with_the_reason_and_changes_nothing()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["m2k8d"], ready: 1);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("api-6c9d7f8b5-qx7tz", Labels("api", "6c9d7f8b5"), owner: null)));

        Assert.Equal([("GET", 404)], Api.Requests.Select(r => (r.Method, r.Status)));
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal("get pod shop/api-6c9d7f8b5-qx7tz: 404 not found", audit.GetProperty("detail").GetString());
        Assert.Equal("404", Fact(audit, "httpStatus"));
    }

    [Fact]
    public async Task A_bare_replicaset_is_refused_without_a_patch()
    {
        Api.AddBareReplicaSet(Namespace, "worker", ["a1b2c"]);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("worker-a1b2c", Labels("worker"), owner: null)));

        Assert.Equal(["GET /api/v1/namespaces/shop/pods/worker-a1b2c", "GET /apis/apps/v1/namespaces/shop/replicasets/worker"], Calls());
        Assert.DoesNotContain(Api.Requests, r => r.Mutates);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal(
            "refused: ReplicaSet shop/worker has no controller (a bare ReplicaSet): only Deployments, StatefulSets and DaemonSets are rollout-restarted",
            audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_pod_without_a_controller_is_refused_without_a_patch()
    {
        Api.AddPod(Namespace, "debug", Labels("debug"), ready: true, owner: null);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("debug", Labels("debug"), owner: null)));

        Assert.Equal(["GET /api/v1/namespaces/shop/pods/debug"], Calls());
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal("refused: pod shop/debug on cluster main has no controller: there is no workload to rollout-restart", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_job_pod_is_refused_without_any_call()
    {
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("migrate-x9k2p", Labels("migrate"), ("Job", "migrate"))));

        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("is owned by a Job ('migrate'): only Deployments, StatefulSets and DaemonSets are rollout-restarted",
            audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolved_kind_other_than_the_rules_kind_is_refused()
    {
        const string rule = """
              - id: oom
                match: { contains: OutOfMemoryError }
                actions:
                  - type: rollout_restart
                    kind: StatefulSet
            """;
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz"], ready: 1);
        await _harness.InitAsync(rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(PodLogEvents.Line(Namespace, "api", "6c9d7f8b5", "qx7tz", Oom, _now)));

        Assert.DoesNotContain(Api.Requests, r => r.Mutates);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("belongs to Deployment api, but the rule's kind is StatefulSet", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_records_namespace_must_be_on_the_allow_list()
    {
        Api.AddStatefulSet("billing", "db", replicas: 1);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Event(Line("db-0", Labels("db"), ("StatefulSet", "db"), ns: "billing")));

        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal("refused: namespace 'billing' is not on the kubernetes.namespaces allow-list", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Dry_run_names_the_pod_whose_owner_it_would_restart_and_calls_nothing()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz"], ready: 1);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]", "dry_run: true"));

        var (_, lines) = await _harness.InvokeAsync(Event(PodLogEvents.Line(Namespace, "api", "6c9d7f8b5", "qx7tz", Oom, _now)));

        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("suppressed", audit.GetProperty("outcome").GetString());
        Assert.Contains("would rollout-restart the workload that owns pod shop/api-6c9d7f8b5-qx7tz", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
