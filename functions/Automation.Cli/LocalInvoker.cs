using System.Text;
using System.Text.Json;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Rules.Loading;

namespace Automation.Cli;

/// <summary>
/// Runs one function's handler in-process on an event file, as Lambda would: the same factory, the same handler.
/// The response goes to stdout, the function's logs to stderr. Dry-run unless the caller asks for a live run: only
/// then do actions reach the endpoints the environment names.
/// </summary>
internal sealed class LocalInvoker
{
    public const int Success = 0;
    public const int InvocationFailed = 1;
    public const int UsageError = 2;

    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly Func<string, string?> _processEnvironment;
    private readonly TimeProvider _time;

    public LocalInvoker(TextWriter stdout, TextWriter stderr, Func<string, string?> processEnvironment, TimeProvider time)
    {
        _stdout = stdout;
        _stderr = stderr;
        _processEnvironment = processEnvironment;
        _time = time;
    }

    /// <param name="envVarsPath">Optional JSON file in `sam local invoke --env-vars` form.</param>
    /// <param name="rulesPath">Optional rules file; else RULES_FILE, else the rules.yaml bundled with the function.</param>
    /// <param name="live">Act (DRY_RUN=false); otherwise DRY_RUN is pinned to true whatever the environment says.</param>
    public async Task<int> InvokeAsync(string functionId, string eventPath, string? envVarsPath, string? rulesPath, TimeSpan timeout, bool live, CancellationToken cancellationToken)
    {
        if (!FunctionCatalog.Functions.TryGetValue(functionId, out var factory))
        {
            return Fail(UsageError, $"unknown function '{functionId}'; the functions are {string.Join(", ", FunctionCatalog.Functions.Keys)}");
        }

        var payload = ReadJsonFile(eventPath, "event file");
        if (payload is null)
        {
            return UsageError;
        }

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (envVarsPath is not null && !TryReadEnvVars(envVarsPath, functionId, overrides))
        {
            return UsageError;
        }

        if (rulesPath is not null)
        {
            overrides[FunctionSettings.RulesFileVariable] = Path.GetFullPath(rulesPath);
        }

        ILambdaHandler handler;
        try
        {
            handler = await factory(name => Lookup(name, overrides, live), _stderr, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConfigurationException or RulesValidationException or SecretUnavailableException)
        {
            // The same failures that send a deployed function to /runtime/init/error.
            return Fail(InvocationFailed, $"{functionId} failed to initialise: {e.Message}");
        }

        var context = new LambdaContext($"local-{Guid.NewGuid():N}", _time.GetUtcNow() + timeout, InvokedFunctionArn: null, TraceId: null);
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            var response = await handler.HandleAsync(payload, context, linked.Token).ConfigureAwait(false);
            _stdout.WriteLine(Encoding.UTF8.GetString(response));
            return Success;
        }
        catch (Exception e) when (e is not OperationCanceledException || deadline.IsCancellationRequested)
        {
            // The same shape Lambda reports for a failed invocation, so scripts can treat both alike.
            _stdout.WriteLine(ErrorJson(e));
            return Fail(InvocationFailed, $"{functionId} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    // DRY_RUN is pinned: the offline invoke acts only when asked to with --live, never because an env file says so.
    private string? Lookup(string name, Dictionary<string, string> overrides, bool live)
    {
        if (name == FunctionSettings.DryRunVariable)
        {
            return live ? "false" : "true";
        }
        return overrides.TryGetValue(name, out var value) ? value : _processEnvironment(name);
    }

    private byte[]? ReadJsonFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            Fail(UsageError, $"{what} '{path}' not found");
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            using var _ = JsonDocument.Parse(bytes.AsMemory(Utf8Bom(bytes)));
            return bytes;
        }
        catch (JsonException e)
        {
            Fail(UsageError, $"{what} '{path}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
            return null;
        }
    }

    // sam local invoke's --env-vars format: {"Parameters": {...}} for every function, {"<LogicalId>": {...}} for one.
    private bool TryReadEnvVars(string path, string functionId, Dictionary<string, string> into)
    {
        var bytes = ReadJsonFile(path, "env-vars file");
        if (bytes is null)
        {
            return false;
        }

        using var document = JsonDocument.Parse(bytes.AsMemory(Utf8Bom(bytes)));
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            Fail(UsageError, $"env-vars file '{path}' must be a JSON object of {{\"Parameters\"|\"<LogicalId>\": {{\"NAME\": \"value\"}}}}");
            return false;
        }

        foreach (var section in new[] { "Parameters", functionId })
        {
            if (!document.RootElement.TryGetProperty(section, out var variables))
            {
                continue;
            }
            if (variables.ValueKind != JsonValueKind.Object)
            {
                Fail(UsageError, $"env-vars file '{path}': \"{section}\" must be an object of variable names to values");
                return false;
            }
            foreach (var variable in variables.EnumerateObject())
            {
                into[variable.Name] = variable.Value.ValueKind == JsonValueKind.String ? variable.Value.GetString()! : variable.Value.GetRawText();
            }
        }
        return true;
    }

    private static int Utf8Bom(byte[] bytes) => bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;

    // The very body a deployed function posts to the Runtime API's /error.
    private static string ErrorJson(Exception e) =>
        JsonSerializer.Serialize(LambdaError.FromException(e), LambdaRuntimeJsonContext.Default.LambdaError);

    private int Fail(int exitCode, string message)
    {
        _stderr.WriteLine("error: " + message);
        return exitCode;
    }
}
