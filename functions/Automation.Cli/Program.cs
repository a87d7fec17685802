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
        var invokeRules = new Option<string?>("--rules", "-r")
        {
            Description = "Rules file to evaluate (default: RULES_FILE, else the rules.yaml bundled with the function)",
        };

        var live = new Option<bool>("--live")
        {
            Description = "Act for real (DRY_RUN=false) against the endpoints the environment names; without it the invoke is always dry-run",
        };

        var invoke = new Command("invoke", "Run a function's handler in-process on an event file (dry-run unless --live). Response on stdout, logs on stderr.")
        {
            function, eventFile, envVars, invokeRules, timeout, live,
        };
        invoke.SetAction((parsed, cancellationToken) =>
        {
            var invoker = new LocalInvoker(Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System);
            return invoker.InvokeAsync(
                parsed.GetValue(function)!,
                parsed.GetValue(eventFile)!,
                parsed.GetValue(envVars),
                parsed.GetValue(invokeRules),
                TimeSpan.FromSeconds(Math.Max(1, parsed.GetValue(timeout))),
                parsed.GetValue(live),
                cancellationToken);
        });

        var rulesFile = new Argument<string>("rules") { Description = "The rules file, e.g. rules.yaml" };
        var validate = new Command("validate", "Check a rules file: exit 0 when valid, else exit 1 with file:line:col: message lines on stderr.")
        {
            rulesFile,
        };
        validate.SetAction(parsed => Commands().Validate(parsed.GetValue(rulesFile)!));

        var testRules = new Option<string>("--rules", "-r") { Description = "The rules file", Required = true };
        var testLogs = new Option<string>("--logs", "-l") { Description = "Log records, one a line: a JSON object or plain text", Required = true };
        var testFormat = new Option<string>("--format", "-f")
        {
            Description = "text (a table per rule) or json",
            DefaultValueFactory = _ => "text",
        };
        testFormat.AcceptOnlyFromAmong("text", "json");
        var test = new Command("test", "Run rules over a file of log lines with the functions' own engine (dry-run) and show matches and decisions.")
        {
            testRules, testLogs, testFormat,
        };
        test.SetAction((parsed, cancellationToken) =>
            Commands().TestAsync(parsed.GetValue(testRules)!, parsed.GetValue(testLogs)!, parsed.GetValue(testFormat)!, cancellationToken));

        var root = new RootCommand("Log-driven automation for Kubernetes on AWS: run and check the functions offline.") { invoke, validate, test };
        return root.Parse(args).InvokeAsync();
    }

    private static RuleCommands Commands() => new(Console.Out, Console.Error, TimeProvider.System);
}
