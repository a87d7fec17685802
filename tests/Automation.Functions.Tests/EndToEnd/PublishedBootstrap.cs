using System.Diagnostics;
using Automation.Testing;

namespace Automation.Functions.Tests.EndToEnd;

/// <summary>
/// Builds a function's deployable artifact once per test run, exactly as `sam build` does: the function's Makefile
/// target publishes a `bootstrap` into ARTIFACTS_DIR. This one is PodRestartFunction's (Native AOT); subclasses name
/// other functions.
/// </summary>
public class PublishedBootstrap : IDisposable
{
    public const string FunctionId = "PodRestartFunction";

    private readonly string _artifacts = Directory.CreateTempSubdirectory("bootstrap-e2e-").FullName;

    public PublishedBootstrap()
        : this("PodRestarter", FunctionId)
    {
    }

    /// <param name="folder">The function's folder under functions/, which holds its Makefile.</param>
    /// <param name="functionId">The template's logical id: the Makefile target is build-&lt;id&gt;.</param>
    protected PublishedBootstrap(string folder, string functionId)
    {
        var make = new ProcessStartInfo("make", ["-C", Path.Combine(Fixtures.RepoRoot, "functions", folder), "build-" + functionId, "ARTIFACTS_DIR=" + _artifacts])
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
            throw new TimeoutException("make build-" + functionId + " took more than 10 minutes");
        }
        if (process.ExitCode != 0 || !File.Exists(BootstrapPath))
        {
            throw new InvalidOperationException($"make build-{functionId} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    public string BootstrapPath => Path.Combine(_artifacts, "bootstrap");

    public void Dispose()
    {
        Directory.Delete(_artifacts, recursive: true);
        GC.SuppressFinalize(this);
    }
}
