using System.Diagnostics;
using Automation.Testing;
using Automation.Testing.Lambda;

namespace Automation.Benchmarks;

/// <summary>
/// Measurements of a function as a process: cold start (process start → first response posted to a loopback
/// Runtime API) and peak resident memory while it handles a 6 MB batch.
/// </summary>
internal static class ProcessMeasurements
{
    public static async Task<List<double>> ColdStartsAsync(string[] command, byte[] payload, int runs)
    {
        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            // A fresh Runtime API per run: a killed process may leave a pending GET next that would swallow the next invocation.
            await using var api = await FakeLambdaRuntimeApi.StartAsync();
            // The invocation waits in the queue, so the measured time is start-up plus one small invocation.
            var outcome = api.Enqueue(new FakeInvocation(payload));
            var clock = Stopwatch.StartNew();
            using var process = Start(command, api.RuntimeApiAddress);
            var result = await outcome.WaitAsync(TimeSpan.FromSeconds(30));
            clock.Stop();
            Stop(process);
            if (result.IsError)
            {
                throw new InvalidOperationException("invocation failed: " + System.Text.Encoding.UTF8.GetString(result.Body));
            }
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return samples;
    }

    /// <returns>VmHWM (peak RSS) in KiB after the process answered the invocation, and the handler's own durationMs.</returns>
    public static async Task<(long PeakKib, string SummaryLine)> PeakRssAsync(string[] command, byte[] payload)
    {
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        var outcome = api.Enqueue(new FakeInvocation(payload));
        using var process = Start(command, api.RuntimeApiAddress);
        var summary = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("\"batch processed\"", StringComparison.Ordinal) == true)
            {
                summary.TrySetResult(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var result = await outcome.WaitAsync(TimeSpan.FromSeconds(60));
        var line = await summary.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var status = await File.ReadAllLinesAsync($"/proc/{process.Id}/status");
        Stop(process);
        if (result.IsError)
        {
            throw new InvalidOperationException("invocation failed");
        }
        var hwm = status.Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return (long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture), line);
    }

    private static Process Start(string[] command, string runtimeApi)
    {
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        start.Environment["LOG_LEVEL"] = "info";
        return Process.Start(start)!;
    }

    private static void Stop(Process process)
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }
}
