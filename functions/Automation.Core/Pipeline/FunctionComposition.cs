using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.State;
using Automation.Core.Telemetry;

namespace Automation.Core.Pipeline;

/// <summary>
/// Builds a function's object graph by hand, once, at INIT (no reflection container: the functions are Native AOT).
/// Lambda's bootstrap and the CLI's offline invoke both come through here, so they run the same code.
/// </summary>
public static class FunctionComposition
{
    /// <param name="functionName">The template's logical id.</param>
    /// <param name="environment">Variable lookup: the process environment in Lambda, an overlay in the CLI.</param>
    /// <param name="createSink">The function's action stage, built from the validated settings.</param>
    /// <param name="logOutput">Where the function's JSON log lines go.</param>
    public static ILambdaHandler CreateHandler(
        string functionName,
        Func<string, string?> environment,
        Func<FunctionSettings, JsonLog, IBatchSink> createSink,
        TextWriter logOutput,
        TimeProvider time)
    {
        var settings = FunctionSettings.FromEnvironment(functionName, environment);
        var log = new JsonLog(logOutput, time, settings.LogLevel);

        // An invalid rules file fails INIT here (RulesValidationException lists every file:line:col problem).
        var rules = RulesLoader.Load(settings.RulesFile);
        var (store, stateName) = CreateStateStore(environment, time, log);
        var engine = new RuleEngine(rules, store, time, DecisionScope.ForFunction(functionName), settings.DryRun);

        var sink = createSink(settings, log);
        var handler = new KafkaBatchHandler(settings, sink, new LogRecordParser(), engine, log, time);
        log.Info("function initialised", json =>
        {
            json.WriteString("function", settings.FunctionName);
            json.WriteBoolean("reportBatchItemFailures", settings.ReportBatchItemFailures);
            json.WriteBoolean("dryRun", settings.DryRun);
            json.WriteString("rulesFile", settings.RulesFile);
            json.WriteNumber("rules", rules.Rules.Count);
            json.WriteString("state", stateName);
        });
        return handler;
    }

    /// <summary>
    /// Thresholds, the action ledger and budgets: in the DynamoDB table named by STATE_TABLE (shared by every environment and partition,
    /// as deployed), else in this process's memory (the CLI, tests, a trial without the table). Configuration, not code:
    /// endpoint, region and credentials come from the SDK's standard variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, ...).
    /// </summary>
    private static (IRuleStateStore Store, string Name) CreateStateStore(Func<string, string?> environment, TimeProvider time, JsonLog log) =>
        string.IsNullOrWhiteSpace(environment(DynamoDbRuleStateStore.TableEnvironmentVariable))
            ? (new InMemoryRuleStateStore(), "memory")
            : (DynamoDbRuleStateStore.FromEnvironment(environment, time, log), "dynamodb");
}
