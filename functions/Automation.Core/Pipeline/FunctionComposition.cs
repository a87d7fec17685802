using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Notify;
using Automation.Core.Rules.Actions;
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
    /// <summary>How long one Secrets Manager call may take: INIT as a whole has 10 seconds in Lambda.</summary>
    private static readonly TimeSpan SecretsCallTimeout = TimeSpan.FromSeconds(5);

    /// <param name="function">The function's name, secret variables and action stage.</param>
    /// <param name="environment">Variable lookup: the process environment in Lambda, an overlay in the CLI.</param>
    /// <param name="logOutput">Where the function's JSON log lines go.</param>
    /// <exception cref="RulesValidationException">The rules file is invalid.</exception>
    /// <exception cref="ConfigurationException">A setting is invalid.</exception>
    /// <exception cref="SecretUnavailableException">A secret the function is configured with cannot be read.</exception>
    public static Task<ILambdaHandler> CreateHandlerAsync(
        FunctionDefinition function,
        Func<string, string?> environment,
        TextWriter logOutput,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Region, endpoint and the Lambda extension come from the same lookup as every other setting; credentials
        // from the SDK's default chain. Only called when the function has a secret to read.
        SecretsManagerClient CreateSecretsClient() => new(
            new HttpClient { Timeout = SecretsCallTimeout },
            SecretsManagerClientOptions.FromEnvironment(environment),
            time);
        return CreateHandlerAsync(function, environment, logOutput, time, CreateSecretsClient, cancellationToken);
    }

    /// <summary>The same, with the Secrets Manager client given (tests point it at an emulator with fake credentials).</summary>
    internal static async Task<ILambdaHandler> CreateHandlerAsync(
        FunctionDefinition function,
        Func<string, string?> environment,
        TextWriter logOutput,
        TimeProvider time,
        Func<SecretsManagerClient> createSecretsClient,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var settings = FunctionSettings.FromEnvironment(function.Name, environment);
        var log = new JsonLog(logOutput, time, settings.LogLevel);
        // Embedded metrics share the log's stream: CloudWatch Logs extracts them from the function's log group.
        var metrics = new EmbeddedMetrics(logOutput, time, MetricsOptions.FromEnvironment(environment).Namespace, settings.FunctionName);

        // An invalid rules file fails INIT here (RulesValidationException lists every file:line:col problem).
        var rules = RulesLoader.Load(settings.RulesFile);
        var (store, stateName) = CreateStateStore(environment, time, log);
        var scope = DecisionScope.ForFunction(function.Name);
        var engine = new RuleEngine(rules, store, time, scope, settings.DryRun);

        // A missing or unreadable secret fails INIT here, naming the variable and the secret, never a value.
        var secrets = await FunctionSecrets.LoadAsync(function.SecretVariables, environment, createSecretsClient, cancellationToken)
            .ConfigureAwait(false);

        // Notification channels: a bad webhook secret or queue URL fails INIT here, never quoting the value.
        var notifier = Notifier.FromEnvironment(environment, secrets, time, log);
        WarnOfNotifyWithoutChannel(rules, scope, notifier, settings, log);

        var services = new FunctionServices(settings, rules, log, secrets, new ActionLedger(store, time), time) { Metrics = metrics, Notifier = notifier };
        var sink = function.CreateSink(services);
        // Kafka batches from the event source mapping; the recovery schedule's events (template.yaml's
        // RecoverySweep); CloudWatch Logs subscription events for a function that takes them (the audit index).
        var handler = new LambdaEventRouter(
            new KafkaBatchHandler(settings, sink, new LogRecordParser(), engine, log, time, metrics),
            function.CreateLogEventsHandler?.Invoke(services),
            new RecoverySweepHandler(settings, sink, engine, log, time, metrics));
        log.Info("function initialised", json =>
        {
            json.WriteString("function", settings.FunctionName);
            json.WriteBoolean("reportBatchItemFailures", settings.ReportBatchItemFailures);
            json.WriteBoolean("dryRun", settings.DryRun);
            json.WriteString("rulesFile", settings.RulesFile);
            json.WriteNumber("rules", rules.Rules.Count);
            json.WriteString("state", stateName);
            json.WriteString("metricsNamespace", metrics.Namespace);
            json.WriteBoolean("logEvents", function.CreateLogEventsHandler is not null);
            json.WriteStartArray("secrets");
            foreach (var variable in secrets.Variables)
            {
                json.WriteStringValue(variable);
            }
            json.WriteEndArray();
        });
        return handler;
    }

    /// <summary>Notify actions this function decides, with nowhere to send: each would fail, audited; say so at INIT.</summary>
    private static void WarnOfNotifyWithoutChannel(RuleSet rules, DecisionScope scope, Notifier? notifier, FunctionSettings settings, JsonLog log)
    {
        var notifying = rules.Rules.Where(r => r.Actions.Any(a => a.Type == ActionCatalog.Notify && scope.Decides(r, a))).Select(r => r.Id).ToList();
        if (notifier is null && notifying.Count > 0)
        {
            log.Warn("notify actions without a channel", json =>
            {
                json.WriteString("function", settings.FunctionName);
                json.WriteString("reason", $"neither {Notifier.WebhookSecretVariable} nor {Notifier.QueueUrlVariable} is set, so these rules' notifications fail (docs/notify.md)");
                json.WriteString("rules", string.Join(", ", notifying));
            });
        }
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
