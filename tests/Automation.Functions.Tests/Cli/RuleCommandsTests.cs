using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Cli;
using Automation.Testing;
using Json.Schema;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Functions.Tests.Cli;

public sealed partial class RuleCommandsTests : IDisposable
{
    private const string Rules = """
        version: 1
        rules:
          - id: oom-restart
            description: Java service out of memory
            match:
              all:
                - field: kubernetes.namespace_name
                  in: [payments, checkout]
                - contains: java.lang.OutOfMemoryError
            threshold: { count: 2, within: 2m, group_by: [kubernetes.namespace_name, kubernetes.labels.app] }
            cooldown: 15m
            actions:
              - type: rollout_restart
                namespace: "{{ kubernetes.namespace_name }}"
                workload: "{{ kubernetes.labels.app }}"
          - id: server-errors
            match:
              field: status
              gte: 500
          - id: never
            match:
              contains: this text appears nowhere
        """;

    private static readonly string[] LogLines =
    [
        """{"log":"java.lang.OutOfMemoryError: Java heap space","kubernetes":{"namespace_name":"payments","labels":{"app":"api"}}}""",
        "plain text line with no error",
        "",
        """{"log":"{\"status\":503,\"message\":\"upstream failed\"}","kubernetes":{"namespace_name":"payments","labels":{"app":"api"}}}""",
        """{"log":"java.lang.OutOfMemoryError: Metaspace","kubernetes":{"namespace_name":"payments","labels":{"app":"api"}}}""",
        """{"log":"java.lang.OutOfMemoryError: in another namespace","kubernetes":{"namespace_name":"kube-system","labels":{"app":"dns"}}}""",
        "{\"status\": 200, \"message\": \"ok\"}\r",
    ];

    private readonly string _scratch = Directory.CreateTempSubdirectory("rule-commands-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private RuleCommands Commands() => new(_stdout, _stderr, new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)));

    private string Write(string name, string content)
    {
        var path = Path.Combine(_scratch, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Validate_accepts_a_valid_file()
    {
        var exit = Commands().Validate(Write("rules.yaml", Rules));

        Assert.Equal(RuleCommands.Success, exit);
        Assert.Contains("valid, 3 rule(s)", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_accepts_the_bundled_example()
    {
        Assert.Equal(RuleCommands.Success, Commands().Validate(Path.Combine(Fixtures.RepoRoot, "rules.yaml")));
    }

    [Fact]
    public void Validate_rejects_a_typo_with_file_line_and_column()
    {
        var path = Write("typo.yaml", Rules.Replace("- contains: java", "- contians: java", StringComparison.Ordinal));

        var exit = Commands().Validate(path);

        Assert.Equal(RuleCommands.Invalid, exit);
        var line = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        var problem = ProblemLine().Match(line);
        Assert.True(problem.Success, line);
        Assert.Equal(path, problem.Groups["file"].Value);
        Assert.Equal("9", problem.Groups["line"].Value);
        Assert.Equal("11", problem.Groups["col"].Value);
        Assert.Contains("contians", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_reports_matches_by_line_and_decisions_as_json_that_follows_the_schema()
    {
        var exit = await Commands().TestAsync(Write("rules.yaml", Rules), Write("app.log", string.Join("\n", LogLines)), "json", CancellationToken.None);

        Assert.True(exit == RuleCommands.Success, _stderr.ToString());
        using var output = JsonDocument.Parse(_stdout.ToString());
        var root = output.RootElement;
        Assert.Equal(6, root.GetProperty("records").GetInt32());
        Assert.Equal([1, 5], Lines(root.GetProperty("rules").GetProperty("oom-restart")));
        Assert.Equal([4], Lines(root.GetProperty("rules").GetProperty("server-errors")));
        Assert.Equal(0, root.GetProperty("rules").GetProperty("never").GetProperty("matches").GetInt32());

        var decisions = root.GetProperty("decisions").EnumerateArray().ToList();
        var restart = Assert.Single(decisions, d => d.GetProperty("rule").GetString() == "oom-restart");
        Assert.Equal("dry_run", restart.GetProperty("outcome").GetString());
        Assert.Equal(2, restart.GetProperty("window_count").GetInt32());
        Assert.Equal("api", restart.GetProperty("action").GetProperty("parameters").GetProperty("workload").GetString());
        Assert.Equal("payments", restart.GetProperty("action").GetProperty("parameters").GetProperty("namespace").GetString());
        var counted = Assert.Single(decisions, d => d.GetProperty("rule").GetString() == "server-errors");
        Assert.Equal("fired", counted.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, counted.GetProperty("action").ValueKind);

        var schema = OutputSchema();
        var result = schema.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void The_schema_rejects_output_that_breaks_the_contract()
    {
        var schema = OutputSchema();
        using var wrong = JsonDocument.Parse("""{"records": 1, "rules": {"a": {"matches": 1, "lines": [1]}}, "decisions": [{"rule": "a", "outcome": "maybe"}]}""");

        Assert.False(schema.Evaluate(wrong.RootElement).IsValid);
    }

    [Fact]
    public async Task Test_prints_a_readable_table_per_rule()
    {
        var exit = await Commands().TestAsync(Write("rules.yaml", Rules), Write("app.log", string.Join("\n", LogLines)), "text", CancellationToken.None);

        Assert.Equal(RuleCommands.Success, exit);
        var lines = _stdout.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^oom-restart\s+2\s+1, 5$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^never\s+0\s*$"));
        Assert.Contains(lines, l => l.Contains("dry_run", StringComparison.Ordinal) && l.Contains("rollout_restart namespace=payments workload=api", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_log_file_is_a_clear_error()
    {
        var exit = await Commands().TestAsync(Write("rules.yaml", Rules), Write("empty.log", "\n\r\n  \n"), "json", CancellationToken.None);

        Assert.Equal(RuleCommands.UsageError, exit);
        Assert.Contains("holds no log records", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _stdout.ToString());
    }

    [Fact]
    public async Task A_missing_log_file_is_a_clear_error()
    {
        var exit = await Commands().TestAsync(Write("rules.yaml", Rules), Path.Combine(_scratch, "absent.log"), "json", CancellationToken.None);

        Assert.Equal(RuleCommands.UsageError, exit);
        Assert.Contains("cannot read log file", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_with_invalid_rules_prints_the_problems_and_exits_one()
    {
        var exit = await Commands().TestAsync(Write("rules.yaml", Rules.Replace("within: 2m", "within: soon", StringComparison.Ordinal)), Write("app.log", LogLines[0]), "json", CancellationToken.None);

        Assert.Equal(RuleCommands.Invalid, exit);
        Assert.Matches(ProblemLine(), _stderr.ToString().Split('\n')[0]);
    }

    // A registry of its own per load: the global one refuses a second schema with the same $id.
    private static JsonSchema OutputSchema() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "schemas", "cli-test-output.schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static int[] Lines(JsonElement rule) => rule.GetProperty("lines").EnumerateArray().Select(l => l.GetInt32()).ToArray();

    [GeneratedRegex(@"^(?<file>.+):(?<line>\d+):(?<col>\d+): .+$")]
    private static partial Regex ProblemLine();
}
