using Automation.Core.Telemetry;

namespace Automation.Core.Configuration;

/// <summary>
/// What every function reads from its environment at INIT. A wrong value fails INIT with a message naming the
/// variable, never the first invocation.
/// </summary>
/// <param name="FunctionName">The template's logical id, e.g. PodRestartFunction.</param>
/// <param name="ReportBatchItemFailures">
/// True only when the event source mapping has FunctionResponseTypes [ReportBatchItemFailures]. A mapping without it
/// treats a batchItemFailures answer as full success and never retries those records, so when this is false a record
/// that must be retried fails the whole invocation instead.
/// </param>
/// <param name="DryRun">Decide and audit, but do not act.</param>
/// <param name="RulesFile">The rules file: RULES_FILE, else the rules.yaml bundled next to the executable.</param>
public sealed record FunctionSettings(string FunctionName, bool ReportBatchItemFailures, bool DryRun, LogSeverity LogLevel, string RulesFile)
{
    public const string ReportBatchItemFailuresVariable = "REPORT_BATCH_ITEM_FAILURES";
    public const string DryRunVariable = "DRY_RUN";
    public const string LogLevelVariable = "LOG_LEVEL";
    public const string RulesFileVariable = "RULES_FILE";

    /// <summary>The rules file packaged with every function (sam build copies the repository's rules.yaml next to bootstrap).</summary>
    public static string BundledRulesFile => Path.Combine(AppContext.BaseDirectory, "rules.yaml");

    /// <summary>Reads the settings; unset variables take safe defaults (no partial responses, dry-run on, info).</summary>
    public static FunctionSettings FromEnvironment(string functionName, Func<string, string?> environment)
    {
        return new FunctionSettings(
            functionName,
            ReadBool(environment, ReportBatchItemFailuresVariable, defaultValue: false),
            ReadBool(environment, DryRunVariable, defaultValue: true),
            ReadLevel(environment),
            string.IsNullOrWhiteSpace(environment(RulesFileVariable)) ? BundledRulesFile : environment(RulesFileVariable)!.Trim());
    }

    private static bool ReadBool(Func<string, string?> environment, string name, bool defaultValue)
    {
        var raw = environment(name);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return defaultValue;
        }

        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ConfigurationException($"{name} must be true or false, not '{Printable(raw)}'."),
        };
    }

    private static LogSeverity ReadLevel(Func<string, string?> environment)
    {
        var raw = environment(LogLevelVariable);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return LogSeverity.Info;
        }

        return raw.Trim().ToLowerInvariant() switch
        {
            "debug" or "trace" => LogSeverity.Debug,
            "info" or "information" => LogSeverity.Info,
            "warn" or "warning" => LogSeverity.Warn,
            "error" => LogSeverity.Error,
            _ => throw new ConfigurationException($"{LogLevelVariable} must be one of debug, info, warn, error, not '{Printable(raw)}'."),
        };
    }

    // Configuration values are not secrets, but keep the message one short line whatever was set.
    private static string Printable(string raw)
    {
        var trimmed = raw.Length > 40 ? raw[..40] + "…" : raw;
        return new string(trimmed.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
