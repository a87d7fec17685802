using Automation.Core.Lambda;
using Automation.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Lambda;

/// <summary>A fake Runtime API on its own port, and LambdaHost running against it on a fake clock.</summary>
internal sealed class RuntimeHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();

    private RuntimeHarness(FakeTimeProvider time, FakeLambdaRuntimeApi api)
    {
        Time = time;
        Api = api;
    }

    public FakeTimeProvider Time { get; }

    public FakeLambdaRuntimeApi Api { get; }

    public LineCaptureWriter Diagnostics { get; } = new();

    /// <summary>LambdaHost's exit code; set by <see cref="Run"/>.</summary>
    public Task<int> Exit { get; private set; } = Task.FromResult(-1);

    /// <summary>Starts the fake server only, so a test can arrange faults before the runtime connects.</summary>
    public static async Task<RuntimeHarness> StartServerAsync()
    {
        var time = new FakeTimeProvider();
        return new RuntimeHarness(time, await FakeLambdaRuntimeApi.StartAsync(time));
    }

    public static async Task<RuntimeHarness> StartAsync(ILambdaHandler handler)
    {
        var harness = await StartServerAsync();
        harness.Run(() => handler);
        return harness;
    }

    public LambdaHostOptions Options(string? runtimeApi) => new()
    {
        Diagnostics = Diagnostics,
        TimeProvider = Time,
        GetEnvironmentVariable = name => name == LambdaHost.RuntimeApiVariable ? runtimeApi : null,
    };

    public void Run(Func<ILambdaHandler> initialize) =>
        Exit = Task.Run(() => LambdaHost.RunAsync(initialize, Options(Api.RuntimeApiAddress), _stop.Token));

    /// <summary>Stops the loop the way a shutdown would and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Exit.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await Api.DisposeAsync();
            _stop.Dispose();
        }
    }
}
