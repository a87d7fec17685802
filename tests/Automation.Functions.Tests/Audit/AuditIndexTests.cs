using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Lambda;
using Automation.Core.Telemetry;
using Automation.Functions.Tests.Forwarding;
using Automation.Functions.Tests.Kubernetes;
using Automation.LogForwarder.Audit;
using Automation.Testing;
using Automation.Testing.Kubernetes;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Audit;

/// <summary>
/// The audit trail in OpenSearch, end to end: PodRestartFunction runs a real batch against the fake Kubernetes API; the
/// lines it logged (with Lambda's own START/END/REPORT lines) are wrapped as CloudWatch Logs wraps them for a
/// subscription; LogForwarderFunction, built as Lambda builds it, stores each audit line once in the audit index.
/// </summary>
public sealed class AuditIndexTests : IAsyncLifetime
{
    private const string LogGroup = "/aws/lambda/automation/PodRestartFunction";
    private const string LogStream = "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef";

    private const string ForwarderRules = """
        version: 1
        rules:
          - id: server-errors
            match: { field: level, equals: error }
        """;

    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNow();
    private RestartHarness _restarts = null!;
    private FakeOpenSearch _server = null!;

    public async Task InitializeAsync()
    {
        _restarts = await RestartHarness.StartAsync();
        _server = await FakeOpenSearch.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _restarts.DisposeAsync();
    }

    [Fact]
    public async Task Each_audit_line_of_a_real_restart_is_one_document_under_its_event_id_and_a_redelivery_stores_nothing_new()
    {
        var (lines, audits) = await RestartLogAsync();
        var payload = CloudWatchLogsEvents.Wrap(LogGroup, LogStream, lines, _now, out var ids);
        var forwarder = await ForwarderHarness.StartAsync(_server, ForwarderRules);

        await forwarder.Handler.HandleAsync(payload, Context(), CancellationToken.None);

        Assert.Empty(_server.Violations);
        var documents = _server.Documents("automation-audit");
        Assert.All(documents.Keys, k => Assert.Equal("automation-audit", k.Index));
        var expected = lines.Select((line, i) => (Line: line, Id: ids[i])).Where(l => audits.Contains(l.Line)).ToList();
        Assert.Equal(expected.Select(e => e.Id).Order(StringComparer.Ordinal), documents.Keys.Select(k => k.Id).Order(StringComparer.Ordinal));
        foreach (var (line, id) in expected)
        {
            var document = documents[("automation-audit", id)];
            var original = JsonNode.Parse(line)!.AsObject();
            // The line's own fields, as they are; the three added ones; nothing else.
            Assert.Equal(original.Select(p => p.Key).Append("@timestamp").Append("logGroup").Append("logStream").Order(StringComparer.Ordinal),
                document.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.All(original, p => Assert.True(JsonNode.DeepEquals(p.Value, document[p.Key]), p.Key));
            Assert.Equal(DateTimeOffset.Parse((string)original["time"]!, System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse((string)document["@timestamp"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(LogGroup, (string?)document["logGroup"]);
            Assert.Equal(LogStream, (string?)document["logStream"]);
            // What OpenSearch holds is still an audit line of the documented schema, once the added fields are taken away.
            var stripped = (JsonObject)document.DeepClone();
            stripped.Remove("@timestamp");
            stripped.Remove("logGroup");
            stripped.Remove("logStream");
            Assert.True(AuditLineSchemaTests.Schema.Evaluate(JsonDocument.Parse(stripped.ToJsonString()).RootElement).IsValid, stripped.ToJsonString());
        }
        Assert.Contains(documents.Values, d => (string?)d["audit"] == "action" && (string?)d["outcome"] == "succeeded");
        Assert.Contains(documents.Values, d => (string?)d["audit"] == "decision" && (string?)d["outcome"] == "fired");
        var summary = Assert.Single(forwarder.LogLines("audit lines indexed"));
        Assert.Equal(LogGroup, summary.GetProperty("logGroup").GetString());
        Assert.Equal(lines.Count, summary.GetProperty("events").GetInt32());
        Assert.Equal(expected.Count, summary.GetProperty("auditLines").GetInt32());
        Assert.Equal(expected.Count, summary.GetProperty("indexed").GetInt32());
        Assert.Equal(lines.Count - expected.Count, summary.GetProperty("skipped").GetInt32());
        Assert.All(_server.Requests, r => Assert.True(r.Gzip));
        var before = Snapshot();
        var requests = _server.Requests.Count;

        // CloudWatch Logs delivers the same event again (at-least-once): created ids answer 409, which is success.
        await forwarder.Handler.HandleAsync(payload, Context(), CancellationToken.None);

        Assert.True(_server.Requests.Count > requests, "the redelivery was not sent");
        Assert.Equal(before, Snapshot());
        Assert.Equal(2, forwarder.LogLines("audit lines indexed").Count);
        Assert.Empty(_server.Documents("logs-"));
    }

    [Fact]
    public async Task A_line_OpenSearch_refuses_for_good_goes_to_the_dead_letter_index_with_its_text_and_origin()
    {
        var (lines, audits) = await RestartLogAsync();
        var payload = CloudWatchLogsEvents.Wrap(LogGroup, LogStream, lines, _now, out var ids);
        var firstAudit = ids[lines.FindIndex(audits.Contains)];
        var forwarder = await ForwarderHarness.StartAsync(_server, ForwarderRules);
        _server.Enqueue(OpenSearchFault.FailItems(i => i == 0, 400));

        await forwarder.Handler.HandleAsync(payload, Context(), CancellationToken.None);

        Assert.Equal(audits.Count - 1, _server.Documents("automation-audit").Count);
        Assert.DoesNotContain(("automation-audit", firstAudit), _server.Documents("automation-audit").Keys);
        var letter = Assert.Single(_server.Documents("logs-dead-letter-"));
        Assert.Equal(firstAudit, letter.Key.Id);
        Assert.Equal("audit", (string?)letter.Value["kind"]);
        Assert.Equal("automation-audit", (string?)letter.Value["index"]);
        Assert.Equal(400, (int)letter.Value["error"]!["status"]!);
        Assert.Equal(LogGroup, (string?)letter.Value["logGroup"]);
        Assert.Equal(LogStream, (string?)letter.Value["logStream"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(lines[lines.FindIndex(audits.Contains)]), JsonNode.Parse((string)letter.Value["raw"]!)));
        var metrics = Assert.Single(Metrics.EmfSpecification.Lines(forwarder.Log.ToString()), l => l.Metrics.ContainsKey(MetricNames.AuditLinesIndexed));
        Assert.Equal(audits.Count - 1, metrics.Value(MetricNames.AuditLinesIndexed));
        Assert.Equal(1, metrics.Value(MetricNames.DocumentsDeadLettered));
        var summary = Assert.Single(forwarder.LogLines("audit lines indexed"));
        Assert.Equal("warn", summary.GetProperty("level").GetString());
        Assert.Equal(1, summary.GetProperty("deadLettered").GetInt32());
        Assert.Equal(audits.Count - 1, summary.GetProperty("indexed").GetInt32());
    }

    [Fact]
    public async Task What_cannot_be_stored_before_the_deadline_fails_the_invocation_for_Lambda_to_retry()
    {
        var (lines, audits) = await RestartLogAsync();
        var payload = CloudWatchLogsEvents.Wrap(LogGroup, LogStream, lines, _now, out _);
        var forwarder = await ForwarderHarness.StartAsync(_server, ForwarderRules);
        _server.Enqueue([.. Enumerable.Repeat(OpenSearchFault.Status(503), 200)]);

        var error = await Assert.ThrowsAsync<AuditLinesUnsentException>(() => forwarder.Handler.HandleAsync(payload, Context(TimeSpan.FromSeconds(1)), CancellationToken.None));

        Assert.Equal(audits.Count, error.Lines);
        Assert.Empty(_server.Documents("automation-audit"));
        var line = Assert.Single(forwarder.LogLines(error.Message));
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal(LogGroup, line.GetProperty("logGroup").GetString());
    }

    [Fact]
    public async Task A_control_message_is_acknowledged_and_a_broken_event_fails_with_a_logged_reason()
    {
        var forwarder = await ForwarderHarness.StartAsync(_server, ForwarderRules);

        var answer = await forwarder.Handler.HandleAsync(CloudWatchLogsEvents.Control(), Context(), CancellationToken.None);
        await Assert.ThrowsAsync<Automation.Core.Aws.CloudWatchLogs.CloudWatchLogsFormatException>(
            () => forwarder.Handler.HandleAsync(CloudWatchLogsEvents.Envelope("not base64!"), Context(), CancellationToken.None));

        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(answer).RootElement.ValueKind);
        Assert.Single(forwarder.LogLines("CloudWatch Logs control message acknowledged"));
        Assert.Contains("base64", Assert.Single(forwarder.LogLines("CloudWatch Logs event refused")).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task The_audit_index_of_the_rules_file_takes_each_lines_date()
    {
        var (lines, audits) = await RestartLogAsync();
        var forwarder = await ForwarderHarness.StartAsync(_server, ForwarderRules + "\nforwarding:\n  audit_index: audit-%{yyyy.MM.dd}\n");

        await forwarder.Handler.HandleAsync(CloudWatchLogsEvents.Wrap(LogGroup, LogStream, lines, _now, out _), Context(), CancellationToken.None);

        var documents = _server.Documents("audit-");
        Assert.Equal(audits.Count, documents.Count);
        Assert.All(documents, d => Assert.Equal(
            "audit-" + DateTimeOffset.Parse((string)d.Value["time"]!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy.MM.dd", System.Globalization.CultureInfo.InvariantCulture),
            d.Key.Index));
    }

    /// <summary>
    /// What PodRestartFunction's log group holds for one invocation that restarted a pod: Lambda's START line, every
    /// line the function wrote (decision and action audit lines among them), END and REPORT; and which are audit lines.
    /// </summary>
    private async Task<(List<string> Lines, HashSet<string> Audits)> RestartLogAsync()
    {
        _restarts.Api.AddDeployment(RestartHarness.Namespace, "web", "5d8f7c9b4", ["a1", "b2", "c3"], ready: 3);
        await _restarts.InitAsync("""
              - id: crash
                match: { contains: "panic:" }
                cooldown: 10m
                actions:
                  - type: restart_pod
                    namespace: "{{ kubernetes.namespace_name }}"
                    pod: "{{ kubernetes.pod_name }}"
            """, RestartHarness.Section("namespaces: [shop]"));
        var batch = PodLogEvents.Event(
            [PodLogEvents.Line(RestartHarness.Namespace, "web", "5d8f7c9b4", "a1", "panic: runtime error: index out of range", _now)], _now);

        var (_, written) = await _restarts.InvokeAsync(batch);

        var requestId = Guid.NewGuid().ToString();
        List<string> lines =
        [
            $"START RequestId: {requestId} Version: $LATEST",
            .. written.Select(l => l.GetRawText()),
            $"END RequestId: {requestId}",
            $"REPORT RequestId: {requestId}\tDuration: 41.07 ms\tBilled Duration: 42 ms\tMemory Size: 256 MB\tMax Memory Used: 38 MB",
        ];
        var audits = written.Where(l => l.TryGetProperty("audit", out _)).Select(l => l.GetRawText()).ToHashSet();
        Assert.Equal(2, audits.Count); // the decision and the restart
        Assert.True(lines.Count > audits.Count + 3, "the invocation wrote other lines too (summary, metrics)");
        return (lines, audits);
    }

    private static LambdaContext Context(TimeSpan? timeout = null) =>
        new($"req-{Guid.NewGuid():N}", TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(20)), null, null);

    private SortedDictionary<string, string> Snapshot() =>
        new(_server.Documents().ToDictionary(d => d.Key.Index + "/" + d.Key.Id, d => d.Value.ToJsonString()), StringComparer.Ordinal);
}
