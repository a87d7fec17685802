using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Automation.Testing;

/// <summary>
/// moto's server (an AWS emulator) as a child process on a free loopback port, for tests of the AWS clients. Installs
/// <c>moto[server]</c> with pip only when Python cannot import it. Usable as an xunit class or collection fixture (the
/// constructor starts the server and waits until it answers HTTP); disposing kills it.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private readonly Process _process;

    public MotoServer()
    {
        EnsureInstalled();
        // The free port is found by binding port 0 and releasing it; should another process take it meanwhile,
        // moto exits and the next attempt picks another.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreeLoopbackPort();
            var process = Launch(port);
            try
            {
                WaitUntilAnswering(process, port);
                _process = process;
                Endpoint = new Uri($"http://127.0.0.1:{port}");
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                Kill(process);
                last = e;
            }
        }
        throw new InvalidOperationException("moto server did not start", last);
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:54321 (a client's ServiceURL).</summary>
    public Uri Endpoint { get; }

    public void Dispose() => Kill(_process);

    private static void EnsureInstalled()
    {
        if (Run("python3", ["-c", "import moto.server"], InstallTimeout) == 0)
        {
            return;
        }
        if (Run("python3", ["-m", "pip", "install", "--quiet", "moto[server]"], InstallTimeout) != 0)
        {
            throw new InvalidOperationException("moto[server] is not installed and pip could not install it");
        }
    }

    private static int Run(string file, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + file);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            Kill(process);
            throw new TimeoutException(file + " did not finish in time");
        }
        return process.ExitCode;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process Launch(int port)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start python3");
    }

    // Werkzeug announces "Running on http://127.0.0.1:PORT" once it listens; wait for that line (or the process's
    // exit), then confirm with one HTTP request.
    private static void WaitUntilAnswering(Process process, int port)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("moto server exited before listening"));
            }
            else if (e.Data.Contains($"127.0.0.1:{port}", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!ready.Task.Wait(StartTimeout))
        {
            throw new TimeoutException("moto server did not announce its port in time");
        }

        using var http = new HttpClient { Timeout = StartTimeout };
        using var response = http.GetAsync(new Uri($"http://127.0.0.1:{port}/moto-api/")).GetAwaiter().GetResult();
        if ((int)response.StatusCode >= 500)
        {
            throw new InvalidOperationException("moto server answered " + (int)response.StatusCode);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(StartTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
