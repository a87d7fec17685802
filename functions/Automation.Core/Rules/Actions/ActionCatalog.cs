using Automation.Core.Logs;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// Every action type a rule may name, the function that executes it and the parameters it takes. The loader checks
/// rules files against it (unknown types and parameters are errors); each function runs the actions it owns.
/// </summary>
public static class ActionCatalog
{
    public const string PodRestartFunction = "PodRestartFunction";
    public const string RollbackFunction = "RollbackFunction";
    public const string LogForwarderFunction = "LogForwarderFunction";

    public const string RestartPod = "restart_pod";
    public const string RolloutRestart = "rollout_restart";
    public const string GitHubWorkflow = "github_workflow";
    public const string Forward = "forward";
    public const string Notify = "notify";

    /// <summary>
    /// The function of an action type every action function runs: the one that runs the rule's other actions (it
    /// reports on them). A rule whose only actions are notify is decided by <see cref="NotifyOnlyFunction"/>.
    /// </summary>
    public const string RulesOwnFunction = "the function of the rule's other actions";

    /// <summary>Decides rules that only notify: the function with the smallest batches, so people hear first.</summary>
    public const string NotifyOnlyFunction = PodRestartFunction;

    /// <summary>What notify may be sent on: the outcomes of the rule's other actions, and the rule's recovery.</summary>
    public static IReadOnlyList<string> NotifyEvents { get; } = ["fired", "suppressed", "failed", "resolved"];

    /// <summary>Where notify may send: a Slack-compatible incoming webhook, an SQS queue (docs/notify.md).</summary>
    public static IReadOnlyList<string> NotifyChannels { get; } = ["webhook", "sqs"];

    /// <summary>The action's own key in a rules file; every other key is a parameter.</summary>
    public const string TypeKey = "type";

    public static IReadOnlyList<ActionDefinition> Types { get; } =
    [
        new(RestartPod, PodRestartFunction, "Delete the pod so its controller recreates it.",
        [
            Optional("namespace", "The pod's namespace; default: the record's kubernetes.namespace_name.", FieldPath.Parse("kubernetes.namespace_name")),
            Optional("pod", "The pod's name; default: the record's kubernetes.pod_name.", FieldPath.Parse("kubernetes.pod_name")),
            new("grace_period_seconds", ActionParameterKind.NonNegativeInteger, Required: false,
                "Seconds the pod gets to stop; default: the pod's own terminationGracePeriodSeconds.", []),
            Optional("cluster", "The EKS cluster; default: the function's configured cluster."),
        ]),
        new(RolloutRestart, PodRestartFunction, "Restart a workload's pods one by one, as `kubectl rollout restart` does.",
        [
            Optional("namespace", "The workload's namespace; default: the record's kubernetes.namespace_name.", FieldPath.Parse("kubernetes.namespace_name")),
            Optional("workload",
                "The workload's name; default: the owner of the pod that logged (kubernetes.pod_name): its Deployment (through its ReplicaSet), StatefulSet or DaemonSet.",
                FieldPath.Parse("kubernetes.pod_name")),
            new("kind", ActionParameterKind.Choice, Required: false,
                "The workload's kind; default: Deployment, or the kind of the pod's owner when workload: is left out.", ["Deployment", "StatefulSet", "DaemonSet"]),
            Optional("cluster", "The EKS cluster; default: the function's configured cluster."),
        ]),
        new(GitHubWorkflow, RollbackFunction, "Dispatch a GitHub Actions workflow (workflow_dispatch), e.g. a rollback.",
        [
            new("repo", ActionParameterKind.Repository, Required: true, "The repository, owner/name.", []),
            Required("workflow", "The workflow's file name (rollback.yml) or id."),
            Optional("ref", "The branch or tag to run the workflow on; default: the repository's default branch."),
            new("inputs", ActionParameterKind.TemplateMap, Required: false,
                "The workflow's inputs, name → template; they reach the action as parameters inputs.<name>.", []),
            new("rollback_to", ActionParameterKind.Choice, Required: false,
                "last_successful_run: look up the head commit of the newest successful run on the branch and pass it as an input.",
                ["last_successful_run"]),
        ]),
        new(Forward, LogForwarderFunction, "Forward the matching records to OpenSearch, annotated with the rule.",
        [
            Optional("index", "The index to write to; default: the function's configured index."),
        ]),
        new(Notify, RulesOwnFunction,
            "Tell people what the rule's other actions did (fired, suppressed, failed) and when the rule resolved: a message to a Slack-compatible webhook and/or an SQS queue.",
        [
            new("on", ActionParameterKind.ChoiceList, Required: false, "When to notify; default: all of fired, suppressed, failed, resolved.", NotifyEvents),
            new("to", ActionParameterKind.ChoiceList, Required: false, "Where to send; default: every channel the function is configured with.", NotifyChannels),
            Optional("text", "The message's first line (a template); default: the rule, what happened and the match counts."),
        ]),
    ];

    public static ActionDefinition? Find(string type) => Types.FirstOrDefault(t => t.Type == type);

    /// <summary>The action types a function executes (it ignores the others).</summary>
    public static IEnumerable<ActionDefinition> OwnedBy(string function) => Types.Where(t => t.Function == function);

    /// <summary>
    /// What a parameter left out of an action stands for in the action's target (its cooldown key), read from the
    /// record that made the rule fire; null when the parameter has no default from the record. rollout_restart's
    /// workload is the pod's owner when the record names one, otherwise the pod (the executor resolves its owner).
    /// </summary>
    public static string? TargetDefault(string type, ActionParameter parameter, LogRecord record)
    {
        if (parameter.DefaultField is not { } field)
        {
            return null;
        }
        if (type == RolloutRestart && parameter.Name == "workload" && OwnerWorkload(record.Kubernetes) is { } owner)
        {
            return owner;
        }
        return RecordValues.TryGet(record, field, out var value) ? value : "";
    }

    /// <summary>
    /// The name of the workload that owns the pod, as far as its metadata tells: a StatefulSet or DaemonSet by name;
    /// a ReplicaSet's Deployment when listed (OTLP's k8s.deployment.name), else the ReplicaSet's name without its
    /// "-&lt;pod-template-hash&gt;" suffix (Kubernetes names a Deployment's ReplicaSets that way, so the name stays the
    /// same across rollouts). Null when the metadata names no owner.
    /// </summary>
    private static string? OwnerWorkload(KubernetesMetadata? metadata)
    {
        if (metadata?.Controller is not { Controller: not false } owner)
        {
            return null;
        }
        if (owner.Kind != "ReplicaSet")
        {
            return owner.Name;
        }
        if (metadata.OwnerReferences.FirstOrDefault(o => o.Kind == "Deployment") is { } deployment)
        {
            return deployment.Name;
        }
        return metadata.Labels.TryGetValue("pod-template-hash", out var hash) && hash.Length > 0
            && owner.Name.Length > hash.Length + 1 && owner.Name.EndsWith("-" + hash, StringComparison.Ordinal)
            ? owner.Name[..^(hash.Length + 1)]
            : owner.Name;
    }

    private static ActionParameter Required(string name, string description) =>
        new(name, ActionParameterKind.Text, Required: true, description, []);

    private static ActionParameter Optional(string name, string description, FieldPath? defaultField = null) =>
        new(name, ActionParameterKind.Text, Required: false, description, [], defaultField);
}
