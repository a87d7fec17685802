using System.Text.Json;
using Automation.Testing;

namespace Automation.Functions.Tests.Cli;

/// <summary>The CLI as a user runs it: a separate process, the response alone on stdout, logs on stderr, an exit code.</summary>
public sealed class CliProcessTests
{
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => CliProcess.RunAsync(null, args);

    [Fact]
    public async Task Invoke_prints_only_the_response_on_stdout_and_json_logs_on_stderr()
    {
        var (exitCode, stdout, stderr) = await RunAsync("invoke", "PodRestartFunction", "-e", "events/malformed-record.json");

        Assert.Equal(0, exitCode);
        using var response = JsonDocument.Parse(stdout);
        Assert.Equal(0, response.RootElement.GetProperty("batchItemFailures").GetArrayLength());
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var summary = Assert.Single(lines, l => l.GetProperty("message").GetString() == "batch processed");
        Assert.Equal(1, summary.GetProperty("decodeFailures").GetInt32());
    }

    [Fact]
    public async Task A_missing_required_option_fails_with_a_non_zero_exit()
    {
        var (exitCode, stdout, _) = await RunAsync("invoke", "PodRestartFunction");

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("batchItemFailures", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_function_exits_two_with_one_line_on_stderr()
    {
        var (exitCode, stdout, stderr) = await RunAsync("invoke", "NoSuchFunction", "-e", "events/noise.json");

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: unknown function 'NoSuchFunction'", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
