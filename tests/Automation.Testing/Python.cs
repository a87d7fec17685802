using System.Diagnostics;

namespace Automation.Testing;

/// <summary>
/// Runs python3 for the tests that check our protocol code against an independent implementation (botocore signs
/// requests and presigns URLs the way the AWS CLI does).
/// </summary>
public static class Python
{
    /// <summary>True when python3 runs and can import <paramref name="module"/>.</summary>
    public static bool HasModule(string module)
    {
        try
        {
            return Run(["-c", "import " + module]).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no python3
        }
    }

    /// <summary>Runs python3 with <paramref name="arguments"/>; returns its exit code and its stdout followed by its stderr.</summary>
    /// <exception cref="TimeoutException">python3 did not finish within a minute.</exception>
    public static (int ExitCode, string Output) Run(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("python3 did not finish within a minute");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
