using System.Diagnostics;
using Automation.Testing;

namespace Automation.Functions.Tests.EndToEnd;

/// <summary>
/// Builds PodRestartFunction's deployable artifact once per test run, exactly as `sam build` does: the function's
/// Makefile target publishes a Native AOT `bootstrap` into ARTIFACTS_DIR.
/// </summary>
public sealed class PublishedBootstrap : IDisposable
{
    public const string FunctionId = "PodRestartFunction";

    private readonly string _artifacts = Directory.CreateTempSubdirectory("bootstrap-e2e-").FullName;

    public PublishedBootstrap()
    {
        var make = new ProcessStartInfo("make", ["-C", Path.Combine(Fixtures.RepoRoot, "functions", "PodRestarter"), "build-" + FunctionId, "ARTIFACTS_DIR=" + _artifacts])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(make)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("make build-" + FunctionId + " took more than 10 minutes");
        }
        if (process.ExitCode != 0 || !File.Exists(BootstrapPath))
        {
            throw new InvalidOperationException($"make build-{FunctionId} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    public string BootstrapPath => Path.Combine(_artifacts, "bootstrap");

    public void Dispose() => Directory.Delete(_artifacts, recursive: true);
}
