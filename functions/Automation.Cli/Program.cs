using System.CommandLine;

namespace Automation.Cli;

/// <summary>
/// `automation invoke PodRestartFunction -e events/pod-crashloop.json`: the offline twin of
/// `sam local invoke PodRestartFunction -e events/pod-crashloop.json`, for machines without Docker.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var function = new Argument<string>("function")
        {
            Description = "Logical id of the function in template.yaml: " + string.Join(", ", FunctionCatalog.Functions.Keys),
        };
        var eventFile = new Option<string>("--event", "-e")
        {
            Description = "JSON event file to invoke the function with (e.g. events/pod-crashloop.json)",
            Required = true,
        };
        var envVars = new Option<string?>("--env-vars", "-n")
        {
            Description = "JSON file of environment variables, as for `sam local invoke --env-vars`",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds before the invocation's deadline",
            DefaultValueFactory = _ => 60,
        };

        var invoke = new Command("invoke", "Run a function's handler in-process on an event file (always dry-run). Response on stdout, logs on stderr.")
        {
            function, eventFile, envVars, timeout,
        };
        invoke.SetAction((parsed, cancellationToken) =>
        {
            var invoker = new LocalInvoker(Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System);
            return invoker.InvokeAsync(
                parsed.GetValue(function)!,
                parsed.GetValue(eventFile)!,
                parsed.GetValue(envVars),
                TimeSpan.FromSeconds(Math.Max(1, parsed.GetValue(timeout))),
                cancellationToken);
        });

        var root = new RootCommand("Log-driven automation for Kubernetes on AWS: run and check the functions offline.") { invoke };
        return root.Parse(args).InvokeAsync();
    }
}
