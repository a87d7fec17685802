using Automation.Core.Telemetry;

namespace Automation.Core.Lambda;

/// <summary>
/// The whole life of a custom-runtime process: find the Runtime API, build the handler (INIT), then serve invocations.
/// A function's Main is <c>return await LambdaHost.RunAsync(() => new MyHandler(...));</c>.
/// </summary>
public static class LambdaHost
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Exit code when the process cannot start serving (no Runtime API, or INIT failed).</summary>
    public const int StartupFailedExitCode = 1;

    /// <inheritdoc cref="RunAsync(Func{CancellationToken, Task{ILambdaHandler}}, LambdaHostOptions?, CancellationToken)"/>
    public static Task<int> RunAsync(
        Func<ILambdaHandler> initialize,
        LambdaHostOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        return RunAsync(_ => Task.FromResult(initialize()), options, cancellationToken);
    }

    /// <param name="initialize">
    /// Reads configuration and builds the handler once. Any exception here is reported to /runtime/init/error, so a bad
    /// configuration fails INIT with a clear message instead of the first invocation.
    /// </param>
    /// <returns>0 after the loop was cancelled; <see cref="StartupFailedExitCode"/> when it never started.</returns>
    public static async Task<int> RunAsync(
        Func<CancellationToken, Task<ILambdaHandler>> initialize,
        LambdaHostOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        options ??= new LambdaHostOptions();
        var diagnostics = new RuntimeDiagnostics(new JsonLog(options.Diagnostics, options.TimeProvider));

        var runtimeApi = options.GetEnvironmentVariable(RuntimeApiVariable);
        if (!LambdaRuntimeClient.TryCreateBaseAddress(runtimeApi, out var baseAddress))
        {
            diagnostics.Error(string.IsNullOrWhiteSpace(runtimeApi)
                ? $"{RuntimeApiVariable} is not set: this program runs inside AWS Lambda (or an emulator that provides the Runtime API)."
                : $"{RuntimeApiVariable} is not a host:port address.");
            return StartupFailedExitCode;
        }

        using var client = new LambdaRuntimeClient(baseAddress, options.TimeProvider);

        ILambdaHandler handler;
        try
        {
            handler = await initialize(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The initializer returned no handler.");
        }
        catch (Exception exception)
        {
            diagnostics.Error("Initialization failed", exception);
            try
            {
                await client.PostInitErrorAsync(LambdaError.FromException(exception), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception postFailure)
            {
                diagnostics.Error("Could not report the initialization failure to the Runtime API", postFailure);
            }
            return StartupFailedExitCode;
        }

        try
        {
            await new LambdaRuntimeLoop(client, handler, options.TimeProvider, diagnostics)
                .RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            switch (handler)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        return 0;
    }
}
