using System.Text.Json;
using Automation.Core.Lambda;
using Automation.Testing.Lambda;

namespace Automation.Core.Tests.Lambda;

public sealed class LambdaHostTests
{
    private static readonly TimeSpan Timeout = RuntimeHarness.Timeout;

    [Fact]
    public async Task An_initialization_failure_is_posted_to_init_error_and_exits_non_zero()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();

        var exitCode = await LambdaHost.RunAsync(
            () => throw new InvalidOperationException("RULES_PATH is not set."),
            harness.Options(harness.Api.RuntimeApiAddress)).WaitAsync(Timeout);
        var report = await harness.Api.InitError.WaitAsync(Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Equal("/2018-06-01/runtime/init/error", report.Path);
        Assert.Equal("InvalidOperationException", report.ErrorType);
        using var body = JsonDocument.Parse(report.Body);
        Assert.Equal("RULES_PATH is not set.", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("stackTrace").GetArrayLength());

        var line = await harness.Diagnostics.NextLineAsync();
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal("InvalidOperationException", line.GetProperty("errorType").GetString());
        Assert.Equal("RULES_PATH is not set.", line.GetProperty("errorMessage").GetString());

        // INIT failed, so the runtime never asked for an invocation.
        Assert.DoesNotContain(harness.Api.Requests, r => r.Call == RuntimeApiCall.Next);
    }

    [Fact]
    public async Task An_async_initializer_that_fails_is_reported_the_same_way()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();

        var exitCode = await LambdaHost.RunAsync(
            async _ =>
            {
                await Task.Yield();
                throw new FormatException("rules.yaml line 3: unknown action 'reboot'.");
            },
            harness.Options(harness.Api.RuntimeApiAddress)).WaitAsync(Timeout);
        var report = await harness.Api.InitError.WaitAsync(Timeout);

        Assert.Equal(LambdaHost.StartupFailedExitCode, exitCode);
        Assert.Equal("FormatException", report.ErrorType);
        using var body = JsonDocument.Parse(report.Body);
        Assert.Equal("rules.yaml line 3: unknown action 'reboot'.", body.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task An_initialization_failure_that_cannot_be_reported_still_exits_non_zero()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();
        var address = harness.Api.RuntimeApiAddress;
        var options = harness.Options(address);
        await harness.Api.DisposeAsync(); // Nothing listens on the address any more.

        var exitCode = await LambdaHost.RunAsync(() => throw new InvalidOperationException("bad config"), options).WaitAsync(Timeout);

        Assert.Equal(LambdaHost.StartupFailedExitCode, exitCode);
        var initFailure = await harness.Diagnostics.NextLineAsync();
        var reportFailure = await harness.Diagnostics.NextLineAsync();
        Assert.Equal("InvalidOperationException", initFailure.GetProperty("errorType").GetString());
        Assert.Equal("error", reportFailure.GetProperty("level").GetString());
        Assert.Equal(nameof(HttpRequestException), reportFailure.GetProperty("errorType").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an address/with/a/path")]
    public async Task Without_a_usable_runtime_api_address_it_exits_non_zero_before_initializing(string? runtimeApi)
    {
        var writer = new LineCaptureWriter();
        var initialized = false;
        var options = new LambdaHostOptions
        {
            Diagnostics = writer,
            GetEnvironmentVariable = name => name == LambdaHost.RuntimeApiVariable ? runtimeApi : "unexpected",
        };

        var exitCode = await LambdaHost.RunAsync(() =>
        {
            initialized = true;
            return DelegateHandler.Echo();
        }, options).WaitAsync(Timeout);

        Assert.Equal(LambdaHost.StartupFailedExitCode, exitCode);
        Assert.False(initialized);
        var line = await writer.NextLineAsync();
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Contains(LambdaHost.RuntimeApiVariable, line.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Cancelling_the_host_ends_the_loop_with_exit_code_zero_and_disposes_the_handler()
    {
        await using var harness = await RuntimeHarness.StartServerAsync();
        var handler = DelegateHandler.Echo();
        harness.Run(() => handler);

        // The loop is waiting in GET next when it is cancelled.
        await harness.Api.WaitForRequestAsync(r => r.Call == RuntimeApiCall.Next).WaitAsync(Timeout);
        var exitCode = await harness.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.True(handler.Disposed);
        Assert.Equal(0, harness.Diagnostics.Unread);
    }
}
