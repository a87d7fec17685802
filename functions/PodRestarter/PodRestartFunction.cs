using Amazon.Runtime;
using Automation.Core.Actions;
using Automation.Core.Configuration;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Loading;
using Automation.PodRestarter.Kubernetes;

namespace Automation.PodRestarter;

/// <summary>
/// PodRestartFunction's object graph: restart_pod and rollout_restart on the clusters of the rules file's
/// <c>kubernetes:</c> section, behind its guardrails (docs/kubernetes.md).
/// </summary>
internal static class PodRestartFunction
{
    public const string LogicalId = "PodRestartFunction";

    /// <summary>Secret with a kubeconfig, for clusters that are not EKS (EKS clusters are reached with the function's role).</summary>
    public const string KubeconfigSecretVariable = "KUBECONFIG_SECRET_ARN";

    /// <summary>The function as Lambda runs it (the process environment).</summary>
    public static FunctionDefinition Definition => CreateDefinition(Environment.GetEnvironmentVariable);

    /// <param name="environment">Where <c>${VARIABLE}</c>s of the kubernetes: section and AWS credentials are read.</param>
    /// <param name="retry">How API calls are retried; default: <see cref="KubernetesRetryOptions.Default"/>.</param>
    /// <param name="credentials">AWS credentials for EKS tokens; default: the environment's, else the SDK's chain.</param>
    public static FunctionDefinition CreateDefinition(
        Func<string, string?> environment,
        KubernetesRetryOptions? retry = null,
        Func<CancellationToken, Task<ImmutableCredentials>>? credentials = null) =>
        new(LogicalId, [KubeconfigSecretVariable, Automation.Core.Notify.Notifier.WebhookSecretVariable], services => CreateSink(services, environment, retry ?? KubernetesRetryOptions.Default, credentials));

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(CreateDefinition(environment), environment, logOutput, time, cancellationToken);

    private static IBatchSink CreateSink(
        FunctionServices services, Func<string, string?> environment, KubernetesRetryOptions retry, Func<CancellationToken, Task<ImmutableCredentials>>? credentials)
    {
        if (services.Settings.DryRun)
        {
            // DRY_RUN: every decision is planned and audited by the decision stage; none reaches an action stage.
            return new NoActionSink(services.Ledger);
        }

        // The rules INIT loaded and validated (kubernetes.dry_run_rules names only rules of the file).
        var rules = services.Rules;
        var acting = rules.Rules.Where(r => r.Actions.Any(a => a.Type is ActionCatalog.RestartPod or ActionCatalog.RolloutRestart)).Select(r => r.Id).ToList();
        if (rules.Kubernetes is not { } settings)
        {
            // Nothing may act without clusters and an allow-list: say so loudly at INIT; each fired restart fails with
            // that reason, and notifications (which need no cluster) still go out.
            var reason = $"{rules.Source} has no kubernetes: section (clusters and the namespace allow-list), so no pod or workload is restarted";
            if (acting.Count > 0)
            {
                services.Log.Error("kubernetes actions not configured", json =>
                {
                    json.WriteString("function", services.Settings.FunctionName);
                    json.WriteString("reason", reason);
                    json.WriteString("rules", string.Join(", ", acting));
                });
            }
            var notConfigured = new NotConfiguredExecutor(reason);
            return new ActionSink(new Dictionary<string, IActionExecutor>(StringComparer.Ordinal)
            {
                [ActionCatalog.RestartPod] = notConfigured,
                [ActionCatalog.RolloutRestart] = notConfigured,
            }, services);
        }

        var clusters = new KubernetesClusters(settings, environment, services.Secrets, services.Time, credentials);
        foreach (var (key, reason) in clusters.Unavailable)
        {
            services.Log.Error("kubernetes cluster not usable", json =>
            {
                json.WriteString("function", services.Settings.FunctionName);
                json.WriteString("cluster", key);
                json.WriteString("reason", reason);
            });
        }
        var guard = new KubernetesGuard(settings, clusters, rules.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal), services.Ledger);
        var executors = new Dictionary<string, IActionExecutor>(StringComparer.Ordinal)
        {
            [ActionCatalog.RestartPod] = new RestartPodExecutor(guard, retry, services.Time),
            [ActionCatalog.RolloutRestart] = new RolloutRestartExecutor(guard, retry, services.Time),
        };
        services.Log.Info("kubernetes actions ready", json =>
        {
            json.WriteString("function", services.Settings.FunctionName);
            json.WriteString("defaultCluster", settings.DefaultCluster);
            json.WriteStartArray("clusters");
            foreach (var key in settings.Clusters.Keys)
            {
                json.WriteStringValue(key);
            }
            json.WriteEndArray();
            json.WriteStartArray("namespaces");
            foreach (var ns in settings.Namespaces)
            {
                json.WriteStringValue(ns);
            }
            json.WriteEndArray();
            json.WriteBoolean("dryRun", settings.DryRun);
        });
        return new ActionSink(executors, services);
    }
}
