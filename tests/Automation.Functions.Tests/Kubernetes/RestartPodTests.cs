using System.Text.Json;
using Automation.Testing.Kubernetes;
using static Automation.Functions.Tests.Kubernetes.RestartHarness;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>restart_pod with the real client over HTTPS against the fake API: what is called, and every guardrail.</summary>
public sealed class RestartPodTests : IAsyncLifetime
{
    private const string Rule = """
          - id: crash
            match: { contains: "panic:" }
            cooldown: 10m
            actions:
              - type: restart_pod
                namespace: "{{ kubernetes.namespace_name }}"
                pod: "{{ kubernetes.pod_name }}"
                grace_period_seconds: 30
        """;

    private RestartHarness _harness = null!;
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNow();

    public async Task InitializeAsync() => _harness = await StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private FakeKubernetesApi Api => _harness.Api;

    private byte[] Panic(string ns = Namespace, string suffix = "a1", string app = "web", long offset = 1000) =>
        PodLogEvents.Event([PodLogEvents.Line(ns, app, "5d8f7c9b4", suffix, "panic: runtime error: index out of range", _now)], _now, offset);

    [Fact]
    public async Task The_pod_that_logged_is_deleted_once_after_its_owner_was_checked()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2", "c3"], ready: 3);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (response, lines) = await _harness.InvokeAsync(Panic());

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Equal(
            ["GET /api/v1/namespaces/shop/pods/web-5d8f7c9b4-a1", "GET /apis/apps/v1/namespaces/shop/replicasets/web-5d8f7c9b4",
             "GET /api/v1/namespaces/shop/pods", "DELETE /api/v1/namespaces/shop/pods/web-5d8f7c9b4-a1"],
            Api.Requests.Select(r => $"{r.Method} {r.Path}"));
        var list = Api.Requests[2];
        var query = list.Query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("app.kubernetes.io/name=web,pod-template-hash=5d8f7c9b4", query["labelSelector"]);
        Assert.All(Api.Requests, r => Assert.True(FakeKubernetesApi.IsEksToken(r.Authorization!["Bearer ".Length..])));
        using var deleteBody = JsonDocument.Parse(Api.Requests[3].Body);
        Assert.Equal(30, deleteBody.RootElement.GetProperty("gracePeriodSeconds").GetInt64());
        Assert.Equal(FakeKubernetesApi.PodUid(Namespace, "web-5d8f7c9b4-a1"), deleteBody.RootElement.GetProperty("preconditions").GetProperty("uid").GetString());
        Assert.Null(Api.Get("pods", Namespace, "web-5d8f7c9b4-a1"));

        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("4", Fact(audit, "apiCalls"));
        Assert.Equal("ReplicaSet/web-5d8f7c9b4", Fact(audit, "owner"));
        Assert.Equal("Deployment/web", Fact(audit, "workload"));
        Assert.Equal("2", Fact(audit, "readyOthers"));
    }

    [Fact]
    public async Task The_same_batch_again_calls_nothing()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2", "c3"], ready: 3);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        await _harness.InvokeAsync(Panic());
        var calls = Api.Requests.Count;
        var (_, again) = await _harness.InvokeAsync(Panic());

        Assert.Equal(calls, Api.Requests.Count);
        Assert.Empty(ActionAudits(again));
        Assert.Contains(again, l => l.TryGetProperty("outcome", out var o) && o.GetString() == "already_done");
    }

    [Fact]
    public async Task Without_namespace_and_pod_each_pod_that_logged_is_its_own_target_with_its_own_cooldown()
    {
        const string rule = """
              - id: crash
                match: { contains: "panic:" }
                threshold: { count: 1, within: 1m, group_by: [kubernetes.namespace_name, kubernetes.pod_name] }
                cooldown: 10m
                actions:
                  - type: restart_pod
            """;
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2", "c3"], ready: 3);
        await _harness.InitAsync(rule, Section("namespaces: [shop]"));
        var lines = new[] { "a1", "b2" }.Select(s => PodLogEvents.Line(Namespace, "web", "5d8f7c9b4", s, "panic: boom", _now));

        await _harness.InvokeAsync(PodLogEvents.Event(lines, _now));

        Assert.Equal(["/api/v1/namespaces/shop/pods/web-5d8f7c9b4-a1", "/api/v1/namespaces/shop/pods/web-5d8f7c9b4-b2"],
            Api.Requests.Where(r => r.Method == "DELETE").Select(r => r.Path));
    }

    [Fact]
    public async Task A_namespace_off_the_allow_list_is_refused_before_any_call()
    {
        Api.AddDeployment("billing", "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Panic(ns: "billing"));

        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("not on the kubernetes.namespaces allow-list", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    [InlineData("kube-node-lease")]
    [InlineData("logging")]
    public async Task A_star_never_reaches_the_protected_namespaces_or_the_functions_own(string ns)
    {
        Api.AddDeployment(ns, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: ['*']", "own_namespace: logging"));

        var (_, lines) = await _harness.InvokeAsync(Panic(ns: ns));

        Assert.Empty(Api.Requests);
        Assert.Equal("failed", Assert.Single(ActionAudits(lines)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_record_claiming_a_pod_in_another_namespace_than_its_metadata_is_refused()
    {
        // The app writes JSON naming another namespace; the record's metadata says shop.
        const string rule = """
              - id: claim
                match: { contains: "restart me" }
                actions:
                  - type: restart_pod
                    namespace: "{{ target_namespace }}"
                    pod: "{{ kubernetes.pod_name }}"
            """;
        Api.AddDeployment("payments", "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(rule, Section("namespaces: [shop, payments]"));
        var line = PodLogEvents.Line(Namespace, "web", "5d8f7c9b4", "a1", """{"message":"restart me","target_namespace":"payments"}""", _now);

        var (_, lines) = await _harness.InvokeAsync(PodLogEvents.Event([line], _now));

        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Contains("claims namespace 'payments' but its Kubernetes metadata says 'shop'", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../secrets/x")]
    [InlineData("Web_1")]
    [InlineData("web-1?watch=true")]
    public async Task A_pod_name_that_is_not_dns_1123_is_refused_before_any_call(string name)
    {
        const string rule = """
              - id: named
                match: { contains: "restart me" }
                actions:
                  - type: restart_pod
                    pod: "{{ pod }}"
            """;
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(rule, Section("namespaces: [shop]"));
        var log = JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = "restart me", ["pod"] = name });

        var (_, lines) = await _harness.InvokeAsync(PodLogEvents.Event([PodLogEvents.Line(Namespace, "web", "5d8f7c9b4", "a1", log, _now)], _now));

        Assert.Empty(Api.Requests);
        Assert.Contains("is not a valid Kubernetes name", Assert.Single(ActionAudits(lines)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_without_a_controller_is_never_deleted()
    {
        Api.AddPod(Namespace, "web-5d8f7c9b4-a1", new Dictionary<string, string> { ["app"] = "web" }, ready: true, owner: null);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Equal(["GET"], Api.Requests.Select(r => r.Method));
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("has no controller", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_pod_is_deleted_that_would_leave_its_owner_below_the_minimum_of_ready_replicas()
    {
        // Three pods, two ready: the logging pod a1 and b2. Deleting a1 leaves one, min_ready_replicas is 2.
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2", "c3"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]", "min_ready_replicas: 2"));

        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.DoesNotContain(Api.Requests, r => r.Mutates);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("suppressed", audit.GetProperty("outcome").GetString());
        Assert.Contains("blast radius", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", Fact(audit, "readyOthers"));
    }

    [Fact]
    public async Task The_namespace_budget_opens_the_circuit_loudly()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2", "c3", "d4"], ready: 4);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]", "budgets: { namespace: { count: 2, within: 10m } }"));
        var lines = new[] { "a1", "b2", "c3" }.Select(s => PodLogEvents.Line(Namespace, "web", "5d8f7c9b4", s, "panic: boom", _now));

        var (_, log) = await _harness.InvokeAsync(PodLogEvents.Event(lines, _now));

        Assert.Equal(2, Api.Requests.Count(r => r.Method == "DELETE"));
        Assert.Equal(8, Api.Requests.Count); // the open circuit cost no call
        var audits = ActionAudits(log);
        Assert.Equal(["succeeded", "succeeded", "suppressed"], audits.Select(a => a.GetProperty("outcome").GetString()));
        var open = audits[2];
        Assert.Equal("warn", open.GetProperty("level").GetString());
        Assert.StartsWith("CIRCUIT OPEN", open.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("open", Fact(open, "circuit"));
        Assert.Equal("kubernetes|main|namespace|shop", Fact(open, "budget"));
    }

    [Fact]
    public async Task The_cluster_budget_counts_across_namespaces()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.AddDeployment("payments", "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop, payments]", "budgets: { cluster: { count: 1, within: 1h } }"));

        var (_, log) = await _harness.InvokeAsync(PodLogEvents.Event(
            [PodLogEvents.Line(Namespace, "web", "5d8f7c9b4", "a1", "panic: boom", _now), PodLogEvents.Line("payments", "web", "5d8f7c9b4", "a1", "panic: boom", _now)], _now));

        Assert.Single(Api.Requests, r => r.Method == "DELETE");
        Assert.Equal("kubernetes|main", Fact(ActionAudits(log)[1], "budget"));
    }

    [Fact]
    public async Task A_rule_in_dry_run_calls_nothing_and_says_what_it_would_do()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]", "dry_run_rules: [crash]"));

        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("suppressed", audit.GetProperty("outcome").GetString());
        Assert.Contains("would delete pod shop/web-5d8f7c9b4-a1", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_kubernetes_section_init_says_so_nothing_is_called_and_the_action_fails_with_the_reason()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule, kubernetes: null);

        var error = Assert.Single(_harness.InitLines(), l => l.GetProperty("message").GetString() == "kubernetes actions not configured");
        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Equal("error", error.GetProperty("level").GetString());
        Assert.Equal("crash", error.GetProperty("rules").GetString());
        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("has no kubernetes: section", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_with_an_unset_variable_fails_its_actions_with_the_reason()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule,
            "  clusters:\n    main:\n      eks: { name: x, endpoint: '${NOT_SET_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }\n  namespaces: [shop]\n");

        var unusable = Assert.Single(_harness.InitLines(), l => l.GetProperty("message").GetString() == "kubernetes cluster not usable");
        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Contains("NOT_SET_ENDPOINT is not set", unusable.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Contains("cluster main is not usable", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_rule_id_that_names_no_rule_fails_init()
    {
        var e = await Assert.ThrowsAsync<Automation.Core.Rules.Loading.RulesValidationException>(
            () => _harness.InitAsync(Rule, Section("namespaces: [shop]", "dry_run_rules: [crahs]")));

        Assert.Contains("dry_run_rules: 'crahs' is not the id of a rule in this file", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    public async Task Not_found_and_forbidden_are_not_retried_and_are_audited_with_the_reason(int status)
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.Fail(status);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (response, lines) = await _harness.InvokeAsync(Panic());

        Assert.Single(Api.Requests);
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("failed", audit.GetProperty("outcome").GetString());
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), Fact(audit, "httpStatus"));
        Assert.Contains($"{status} ", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_and_rate_limits_are_retried_with_backoff()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.Fail(500);
        Api.Fail(429, "DELETE");
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Equal([500, 200, 200, 200, 429, 200], Api.Requests.Select(r => r.Status));
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("succeeded", audit.GetProperty("outcome").GetString());
        Assert.Equal("6", Fact(audit, "apiCalls"));
    }

    [Fact]
    public async Task A_rate_limit_with_retry_after_is_waited_out_when_the_deadline_allows()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.Fail(429, "GET", retryAfterSeconds: 1);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Equal([429, 200], Api.Requests.Take(2).Select(r => r.Status));
        Assert.True(Api.Requests[1].At - Api.Requests[0].At >= TimeSpan.FromMilliseconds(900), "the Retry-After second was not waited");
        Assert.Equal("succeeded", Assert.Single(ActionAudits(lines)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_retry_after_past_the_deadline_hands_the_records_back_at_once()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.Fail(429, "GET", retryAfterSeconds: 30);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (response, lines) = await _harness.InvokeAsync(Panic(), timeout: TimeSpan.FromSeconds(5));

        Assert.Single(Api.Requests);
        Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("retry", audit.GetProperty("outcome").GetString());
        Assert.Contains("no time left to try again before the deadline", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outage_that_outlasts_the_retries_hands_the_records_back()
    {
        Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        Api.Fail(500, times: 10);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (response, lines) = await _harness.InvokeAsync(Panic(offset: 4242));

        Assert.Equal(FastRetry.MaxAttempts, Api.Requests.Count);
        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal("k8s-logs-0", failure.GetProperty("itemIdentifier").GetProperty("partition").GetString());
        Assert.Equal(4242, failure.GetProperty("itemIdentifier").GetProperty("offset").GetInt64());
        Assert.Equal("retry", Assert.Single(ActionAudits(lines)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_server_whose_certificate_the_cluster_ca_did_not_sign_is_never_talked_to()
    {
        await _harness.DisposeAsync();
        using var otherCa = new TestCertificateAuthority("someone-else");
        _harness = await StartAsync(serverCa: otherCa);
        _harness.Api.AddDeployment(Namespace, "web", "5d8f7c9b4", ["a1", "b2"], ready: 2);
        await _harness.InitAsync(Rule, Section("namespaces: [shop]"));

        var (_, lines) = await _harness.InvokeAsync(Panic());

        Assert.Empty(_harness.Api.Requests);
        var audit = Assert.Single(ActionAudits(lines));
        Assert.Equal("retry", audit.GetProperty("outcome").GetString());
        Assert.Contains("connection failed", audit.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
