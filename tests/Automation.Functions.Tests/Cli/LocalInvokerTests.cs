using System.Text.Json;
using Automation.Cli;
using Automation.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Functions.Tests.Cli;

public sealed class LocalInvokerTests : IDisposable
{
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("invoke-tests-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private Task<int> Invoke(string function, string eventPath, string? envVars = null, Func<string, string?>? processEnvironment = null, string? rules = null, bool live = false) =>
        new LocalInvoker(_stdout, _stderr, processEnvironment ?? (_ => null), new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)))
            .InvokeAsync(function, eventPath, envVars, rules, TimeSpan.FromSeconds(30), live, CancellationToken.None);

    private List<JsonElement> LogLines() =>
        _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public static TheoryData<string, string> EveryFunctionAndEvent()
    {
        var data = new TheoryData<string, string>();
        // Kafka batches: the scheduled event (events/recovery-sweep.json) is answered by the sweep (Notify tests).
        var events = Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "events"), "*.json").Where(Template.EventFileTests.IsKafkaEvent)
            .Concat(Directory.GetFiles(Fixtures.PathOf("events"), "*.json"))
            .Order(StringComparer.Ordinal);
        foreach (var function in FunctionCatalog.Functions.Keys)
        {
            foreach (var file in events)
            {
                data.Add(function, file);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryFunctionAndEvent))]
    public async Task Every_function_answers_every_sample_and_fixture_event(string function, string eventPath)
    {
        var exit = await Invoke(function, eventPath);

        Assert.True(exit == LocalInvoker.Success, _stderr.ToString());
        using var response = JsonDocument.Parse(_stdout.ToString());
        Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());

        // The summary counts every record of the event, decoded or skipped.
        using var input = JsonDocument.Parse(File.ReadAllBytes(eventPath).AsMemory(File.ReadAllBytes(eventPath).AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0));
        var inEvent = input.RootElement.GetProperty("records").EnumerateObject().Sum(p => p.Value.GetArrayLength());
        var summary = Assert.Single(LogLines(), l => l.GetProperty("message").GetString() == "batch processed");
        Assert.Equal(function, summary.GetProperty("function").GetString());
        Assert.Equal(inEvent, summary.GetProperty("records").GetInt32());
        Assert.True(summary.GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_function_is_a_one_line_usage_error()
    {
        var exit = await Invoke("NoSuchFunction", Path.Combine(Fixtures.RepoRoot, "events", "noise.json"));

        Assert.Equal(LocalInvoker.UsageError, exit);
        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("NoSuchFunction", line, StringComparison.Ordinal);
        Assert.Contains("PodRestartFunction", line, StringComparison.Ordinal);
        Assert.Equal("", _stdout.ToString());
    }

    [Fact]
    public async Task A_missing_event_file_is_a_one_line_usage_error()
    {
        var exit = await Invoke("PodRestartFunction", Path.Combine(_scratch, "absent.json"));

        Assert.Equal(LocalInvoker.UsageError, exit);
        Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("absent.json", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_that_is_not_json_is_a_one_line_usage_error_with_its_position()
    {
        var path = Path.Combine(_scratch, "broken.json");
        await File.WriteAllTextAsync(path, "{\n  \"records\": {,\n}");

        var exit = await Invoke("LogForwarderFunction", path);

        Assert.Equal(LocalInvoker.UsageError, exit);
        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("line 2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_that_is_not_a_kafka_event_fails_the_invocation_like_lambda_would()
    {
        var path = Path.Combine(_scratch, "not-kafka.json");
        await File.WriteAllTextAsync(path, "[1, 2, 3]");

        var exit = await Invoke("RollbackFunction", path);

        Assert.Equal(LocalInvoker.InvocationFailed, exit);
        using var error = JsonDocument.Parse(_stdout.ToString());
        Assert.Equal("KafkaEventFormatException", error.RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Env_vars_file_reaches_the_function_and_a_bad_value_fails_initialisation()
    {
        var envVars = Path.Combine(_scratch, "env.json");
        await File.WriteAllTextAsync(envVars, """{"Parameters": {"LOG_LEVEL": "warn"}, "PodRestartFunction": {"LOG_LEVEL": "chatty"}}""");

        var exit = await Invoke("PodRestartFunction", Path.Combine(Fixtures.RepoRoot, "events", "noise.json"), envVars);

        Assert.Equal(LocalInvoker.InvocationFailed, exit);
        Assert.Contains("LOG_LEVEL", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_offline_invoke_is_dry_run_whatever_the_environment_says()
    {
        var envVars = Path.Combine(_scratch, "env.json");
        await File.WriteAllTextAsync(envVars, """{"Parameters": {"DRY_RUN": "false"}}""");

        var exit = await Invoke("PodRestartFunction", Path.Combine(Fixtures.RepoRoot, "events", "noise.json"), envVars, name => name == "DRY_RUN" ? "false" : null);

        Assert.Equal(LocalInvoker.Success, exit);
        Assert.True(Assert.Single(LogLines(), l => l.GetProperty("message").GetString() == "batch processed").GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public async Task Only_live_acts_whatever_the_environment_says()
    {
        var envVars = Path.Combine(_scratch, "env.json");
        await File.WriteAllTextAsync(envVars, """{"Parameters": {"DRY_RUN": "true"}}""");

        var exit = await Invoke("PodRestartFunction", Path.Combine(Fixtures.RepoRoot, "events", "noise.json"), envVars, name => name == "DRY_RUN" ? "true" : null, live: true);

        Assert.Equal(LocalInvoker.Success, exit);
        Assert.False(Assert.Single(LogLines(), l => l.GetProperty("message").GetString() == "batch processed").GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public async Task Invoke_evaluates_the_given_rules_and_audits_each_decision_of_the_function()
    {
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, """
            version: 1
            rules:
              - id: oom
                match: { contains: OutOfMemoryError }
                actions:
                  - type: restart_pod
                    namespace: "{{ kubernetes.namespace_name }}"
                    pod: "{{ kubernetes.pod_name }}"
              - id: rollback
                match: { contains: OutOfMemoryError }
                actions:
                  - type: github_workflow
                    repo: acme/payments
                    workflow: rollback.yml
            """);

        var exit = await Invoke("PodRestartFunction", Path.Combine(Fixtures.RepoRoot, "events", "pod-crashloop.json"), rules: rules);

        Assert.True(exit == LocalInvoker.Success, _stderr.ToString());
        var audits = LogLines().Where(l => l.TryGetProperty("audit", out _)).ToList();
        Assert.NotEmpty(audits);
        Assert.All(audits, a => Assert.Equal("oom", a.GetProperty("rule").GetString()));
        Assert.All(audits, a => Assert.Equal("dry_run", a.GetProperty("outcome").GetString()));
        Assert.All(audits, a => Assert.False(string.IsNullOrEmpty(a.GetProperty("action").GetProperty("parameters").GetProperty("pod").GetString())));
    }

    [Fact]
    public async Task Invoke_with_an_invalid_rules_file_fails_like_init_with_every_problem()
    {
        var rules = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(rules, "version: 2\nrules: []\n");

        var exit = await Invoke("PodRestartFunction", Path.Combine(Fixtures.RepoRoot, "events", "noise.json"), rules: rules);

        Assert.Equal(LocalInvoker.InvocationFailed, exit);
        Assert.Contains(rules + ":1:", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _stdout.ToString());
    }
}
