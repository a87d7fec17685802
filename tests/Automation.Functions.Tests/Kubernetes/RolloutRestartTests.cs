using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Testing.Kubernetes;
using static Automation.Functions.Tests.Kubernetes.RestartHarness;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>rollout_restart with the real client: a JSON merge patch of the restartedAt annotation, like kubectl rollout restart.</summary>
public sealed class RolloutRestartTests : IAsyncLifetime
{
    private const string Rule = """
          - id: oom
            match: { contains: OutOfMemoryError }
            cooldown: 15m
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: "{{ kubernetes.labels[\"app.kubernetes.io/name\"] }}"
        """;

    private RestartHarness _harness = null!;
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNow();

    public async Task InitializeAsync() => _harness = await StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private FakeKubernetesApi Api => _harness.Api;

    private byte[] Oom(string app = "api") =>
        PodLogEvents.Event([PodLogEvents.Line(Namespace, app, "6c9d7f8b5", "qx7tz", "java.lang.OutOfMemoryError: Java heap space", _now)], _now);

    [Fact]
    public async Task The_workload_gets_a_merge_patch_of_restartedAt_and_keeps_its_other_annotations()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2,
            templateAnnotations: new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" });
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Oom());

        Assert.Equal(["GET /apis/apps/v1/namespaces/shop/deployments/api", "PATCH /apis/apps/v1/namespaces/shop/deployments/api"],
            Api.Requests.Select(r => $"{r.Method} {r.Path}"));
        var patch = Api.Requests[1];
        Assert.StartsWith(FakeKubernetesApi.MergePatchContentType, patch.ContentType, StringComparison.Ordinal);
        var body = JsonNode.Parse(patch.Body)!.AsObject();
        var annotations = body["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();
        Assert.Equal(["spec"], body.Select(p => p.Key));
        var restartedAt = Assert.Single(annotations);
        Assert.Equal("kubectl.kubernetes.io/restartedAt", restartedAt.Key);
        var at = DateTimeOffset.Parse(restartedAt.Value!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, _now.AddSeconds(-5), TimeProvider.System.GetUtcNow().AddSeconds(5));

        var stored = Api.Get("deployments", Namespace, "api")!["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("true", stored["prometheus.io/scrape"]!.GetValue<string>());
        Assert.Equal(restartedAt.Value!.GetValue<string>(), stored["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>());

        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("2", Fact(audit, "apiCalls"));
        Assert.Equal("Deployment/api", Fact(audit, "workload"));
    }

    [Fact]
    public async Task A_workload_still_rolling_out_is_not_restarted_again()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2);
        var deployment = Api.Get("deployments", Namespace, "api")!;
        deployment["status"]!["updatedReplicas"] = 1;
        Api.Put("deployments", Namespace, "api", deployment);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Oom());

        Assert.DoesNotContain(Api.Requests, r => r.Mutates);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("suppressed", audit.GetProperty("outcome").GetString());
        Assert.Contains("still rolling out (1 of 2 pods updated)", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conflicting_patch_is_tried_again()
    {
        Api.AddDeployment(Namespace, "api", "6c9d7f8b5", ["qx7tz", "m2k8d"], ready: 2);
        Api.Fail(409, "PATCH");
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Oom());

        Assert.Equal([200, 409, 200], Api.Requests.Select(r => r.Status));
        Assert.Equal("succeeded", Assert.Single(ActionAudits(lines)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_missing_workload_is_a_failure_with_the_reason()
    {
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Oom(app: "gone"));

        Assert.Equal([404], Api.Requests.Select(r => r.Status));
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal("get deployment shop/gone: 404 not found", audit.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_statefulset_is_patched_on_its_own_path()
    {
        const string rule = """
              - id: oom
                match: { contains: OutOfMemoryError }
                actions:
                  - type: rollout_restart
                    namespace: shop
                    workload: db
                    kind: StatefulSet
            """;
        Api.Put("statefulsets", Namespace, "db", new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "StatefulSet",
            ["metadata"] = new JsonObject { ["name"] = "db", ["namespace"] = Namespace, ["generation"] = 1 },
            ["spec"] = new JsonObject { ["replicas"] = 3, ["template"] = new JsonObject { ["metadata"] = new JsonObject() } },
            ["status"] = new JsonObject { ["replicas"] = 3, ["observedGeneration"] = 1, ["currentRevision"] = "db-1", ["updateRevision"] = "db-1" },
        });
        await _harness.InitAsync(rule, Section("namespaces: [shop]"));

        await _harness.InvokeAsync(Oom());

        Assert.Equal(["GET", "PATCH"], Api.Requests.Select(r => r.Method));
        Assert.All(Api.Requests, r => Assert.Equal("/apis/apps/v1/namespaces/shop/statefulsets/db", r.Path));
        Assert.NotNull(Api.Get("statefulsets", Namespace, "db")!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
    }

    [Fact]
    public void The_patch_body_is_the_one_annotation_and_nothing_else()
    {
        using var body = JsonDocument.Parse(PodRestarter.Kubernetes.RolloutRestartExecutor.RestartPatch("2026-03-14T15:09:26Z"));

        Assert.Equal("2026-03-14T15:09:26Z",
            body.RootElement.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("annotations").GetProperty("kubectl.kubernetes.io/restartedAt").GetString());
    }
}
