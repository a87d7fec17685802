using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Core.Rules.Loading;
using Automation.Testing;
using Automation.Testing.Lambda;

namespace Automation.Functions.Tests.EndToEnd;

/// <summary>The deployable artifact itself: the AOT bootstrap against a loopback Lambda Runtime API.</summary>
[Collection(PublishedBootstrapCollection.Name)]
public sealed partial class BootstrapEndToEndTests(PublishedBootstrap bootstrap)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static IEnumerable<string> EventFiles() =>
        // Kafka batches: the scheduled event (events/recovery-sweep.json) is answered by the sweep (BootstrapNotifyTests).
        Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "events"), "*.json").Where(Template.EventFileTests.IsKafkaEvent)
            .Concat(Directory.GetFiles(Fixtures.PathOf("events"), "*.json"))
            .Order(StringComparer.Ordinal);

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task The_bootstrap_answers_every_sample_and_fixture_event(string reportBatchItemFailures)
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress,
            new Dictionary<string, string> { ["REPORT_BATCH_ITEM_FAILURES"] = reportBatchItemFailures });

        foreach (var file in EventFiles())
        {
            var outcome = await api.Enqueue(new FakeInvocation(await File.ReadAllBytesAsync(file))).WaitAsync(Patience);

            Assert.False(outcome.IsError, $"{Path.GetFileName(file)}: {System.Text.Encoding.UTF8.GetString(outcome.Body)}\n{function.Stderr}");
            using var response = JsonDocument.Parse(outcome.Body);
            Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        }

        var summaries = function.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("message").GetString() == "batch processed")
            .ToList();
        Assert.Equal(EventFiles().Count(), summaries.Count);
        Assert.All(summaries, s => Assert.Equal(PublishedBootstrap.FunctionId, s.GetProperty("function").GetString()));

        // The rules.yaml packaged next to bootstrap is the repository's.
        var init = function.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(line => line.GetProperty("message").GetString() == "function initialised");
        Assert.Equal(RulesLoader.Load(Path.Combine(Fixtures.RepoRoot, "rules.yaml")).Rules.Count, init.GetProperty("rules").GetInt32());
    }

    [Fact]
    public async Task An_invalid_rules_file_fails_init_with_every_problem_by_file_line_and_column()
    {
        var rules = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(rules, "version: 1\nrules:\n  - id: oom\n    match: { contians: OutOfMemoryError }\n    cooldown: soon\n");
        try
        {
            await using var api = await FakeLambdaRuntimeApi.StartAsync();
            using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress,
                new Dictionary<string, string> { ["RULES_FILE"] = rules });

            var initError = await api.InitError.WaitAsync(Patience);
            var exitCode = await function.WaitForExitAsync(Patience);

            using var body = JsonDocument.Parse(initError.Body);
            Assert.Equal("RulesValidationException", body.RootElement.GetProperty("errorType").GetString());
            var problems = body.RootElement.GetProperty("errorMessage").GetString()!.Split('\n');
            Assert.Equal(2, problems.Length);
            Assert.StartsWith(rules + ":4:", problems[0], StringComparison.Ordinal);
            Assert.StartsWith(rules + ":5:", problems[1], StringComparison.Ordinal);
            Assert.NotEqual(0, exitCode);
        }
        finally
        {
            File.Delete(rules);
        }
    }

    [Fact]
    public async Task An_event_that_is_not_kafka_is_reported_as_an_error_and_the_next_one_still_succeeds()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress, new Dictionary<string, string>());

        var failed = await api.Enqueue("[1, 2, 3]").WaitAsync(Patience);
        var next = await api.Enqueue(new FakeInvocation(await File.ReadAllBytesAsync(EventFiles().First()))).WaitAsync(Patience);

        Assert.True(failed.IsError);
        Assert.Equal("KafkaEventFormatException", failed.ErrorType);
        using var error = JsonDocument.Parse(failed.Body);
        Assert.Equal("KafkaEventFormatException", error.RootElement.GetProperty("errorType").GetString());
        Assert.False(next.IsError);
    }

    [Fact]
    public async Task A_bad_configuration_is_reported_to_init_error_and_the_process_exits_non_zero()
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        using var function = new BootstrapProcess(bootstrap.BootstrapPath, api.RuntimeApiAddress,
            new Dictionary<string, string> { ["REPORT_BATCH_ITEM_FAILURES"] = "sometimes" });

        var initError = await api.InitError.WaitAsync(Patience);
        var exitCode = await function.WaitForExitAsync(Patience);

        using var body = JsonDocument.Parse(initError.Body);
        Assert.Equal("ConfigurationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("REPORT_BATCH_ITEM_FAILURES", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("ConfigurationException", initError.ErrorType);
        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public void The_bootstrap_needs_no_glibc_newer_than_2_34()
    {
        // AL2023, the provided.al2023 runtime, has glibc 2.34.
        var objdump = new ProcessStartInfo("objdump", ["-T", bootstrap.BootstrapPath]) { RedirectStandardOutput = true };
        using var process = Process.Start(objdump)!;
        var symbols = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        var versions = GlibcVersion().Matches(symbols).Select(m => new Version(m.Groups[1].Value)).Distinct().ToList();

        Assert.Equal(0, process.ExitCode);
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.True(v <= new Version(2, 34), $"needs GLIBC_{v}"));
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
