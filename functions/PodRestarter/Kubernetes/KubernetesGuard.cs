using Automation.Core.Actions;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Settings;

namespace Automation.PodRestarter.Kubernetes;

/// <summary>
/// The guardrails both Kubernetes actions pass before any call: a known cluster, valid names, the record's own
/// namespace, the allow-list, dry-run; and, just before the call that changes something, the namespace and cluster
/// budgets (a used-up budget is an open circuit: loud, and no action in that scope until the window frees a unit).
/// </summary>
internal sealed class KubernetesGuard
{
    private readonly KubernetesSettings _settings;
    private readonly KubernetesClusters _clusters;
    private readonly IReadOnlyDictionary<string, Rule> _rules;
    private readonly ActionLedger _ledger;

    public KubernetesGuard(KubernetesSettings settings, KubernetesClusters clusters, IReadOnlyDictionary<string, Rule> rules, ActionLedger ledger)
    {
        _settings = settings;
        _clusters = clusters;
        _rules = rules;
        _ledger = ledger;
    }

    public KubernetesSettings Settings => _settings;

    public KubernetesClusters Clusters => _clusters;

    /// <summary>
    /// The target of <paramref name="request"/>, or why it is refused. <paramref name="name"/> and
    /// <paramref name="ns"/> are the action's values (null: take the record's pod and namespace).
    /// </summary>
    public (KubernetesTarget? Target, ActionResult? Refusal) Check(ActionRequest request, string what, string? ns, string? name)
    {
        var action = request.Decision.Action!;
        var metadata = request.Trigger.Kubernetes;
        var cluster = action.Parameters.GetValueOrDefault("cluster") ?? _settings.DefaultCluster;
        if (!_clusters.Has(cluster))
        {
            return Refuse($"cluster {KubernetesNames.Shown(cluster)} is not one of kubernetes.clusters ({string.Join(", ", _settings.Clusters.Keys)})");
        }

        ns ??= metadata?.NamespaceName;
        if (!KubernetesNames.IsNamespace(ns))
        {
            return Refuse($"namespace {KubernetesNames.Shown(ns)} is not a valid namespace name");
        }
        if (!KubernetesNames.IsObjectName(name))
        {
            return Refuse($"{what} name {KubernetesNames.Shown(name)} is not a valid Kubernetes name (DNS-1123)");
        }
        if (metadata?.NamespaceName is { } own && own != ns && NamespaceComesFromRecord(request))
        {
            // The record's metadata is what Fluent Bit attached from the API server; its text is what the app wrote.
            return Refuse($"the record claims namespace {KubernetesNames.Shown(ns)} but its Kubernetes metadata says '{own}': not acted on");
        }
        if (!_settings.Allows(ns!))
        {
            return Refuse($"namespace '{ns}' is not on the kubernetes.namespaces allow-list");
        }
        return (new KubernetesTarget(cluster, ns!, name!), null);

        static (KubernetesTarget?, ActionResult?) Refuse(string reason) => (null, ActionResult.Failed("refused: " + reason));
    }

    /// <summary>True when the rule or the whole section is in dry-run.</summary>
    public string? DryRunReason(string ruleId) =>
        _settings.DryRun ? "kubernetes.dry_run is on"
        : _settings.DryRunRules.Contains(ruleId, StringComparer.Ordinal) ? $"rule {ruleId} is in kubernetes.dry_run_rules"
        : null;

    /// <summary>Takes one unit of the namespace budget, then of the cluster budget; null when both allow the action.</summary>
    public async Task<ActionResult?> TakeBudgetsAsync(KubernetesTarget target, string requestId, Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        if (_settings.NamespaceBudget is { } perNamespace
            && await TakeAsync($"kubernetes|{target.Cluster}|namespace|{target.Namespace}", perNamespace, $"namespace {target.Namespace} on cluster {target.Cluster}", requestId, facts, cancellationToken).ConfigureAwait(false) is { } closed)
        {
            return closed;
        }
        if (_settings.ClusterBudget is { } perCluster
            && await TakeAsync($"kubernetes|{target.Cluster}", perCluster, $"cluster {target.Cluster}", requestId, facts, cancellationToken).ConfigureAwait(false) is { } open)
        {
            return open;
        }
        return null;
    }

    private async Task<ActionResult?> TakeAsync(
        string scope, KubernetesBudget budget, string what, string requestId, Dictionary<string, string> facts, CancellationToken cancellationToken)
    {
        var result = await _ledger.TakeBudgetAsync(scope, budget.Count, budget.Within, requestId, cancellationToken).ConfigureAwait(false);
        if (result.Taken)
        {
            return null;
        }
        facts["circuit"] = "open";
        facts["budget"] = scope;
        facts["budgetInUse"] = result.InUse.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var until = result.FreesAt is { } at ? at.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "the window passes";
        facts["circuitClosesAt"] = until;
        return ActionResult.Suppressed(
            $"CIRCUIT OPEN: the budget of {budget.Count} restarts per {budget.Within} for {what} is used up ({result.InUse} in use); " +
            $"no restart there until {until}", facts);
    }

    // A namespace the rule wrote literally is the operator's; one rendered from a record field is the record's claim.
    private bool NamespaceComesFromRecord(ActionRequest request)
    {
        var action = request.Decision.Action!;
        if (!action.Parameters.ContainsKey("namespace"))
        {
            return true;
        }
        return _rules.TryGetValue(request.Decision.RuleId, out var rule)
            && action.Index < rule.Actions.Count
            && rule.Actions[action.Index].Parameters.TryGetValue("namespace", out var template)
            && template.Variables.Any(v => v.RecordField is not null);
    }
}
