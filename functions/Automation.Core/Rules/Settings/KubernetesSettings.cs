namespace Automation.Core.Rules.Settings;

/// <summary>
/// The rules file's top-level <c>kubernetes:</c> section, read by PodRestartFunction: the clusters it may act on, the
/// namespaces it may touch, its budgets and blast radius, and dry-run. docs/kubernetes.md describes every key.
/// </summary>
/// <param name="Clusters">By key (what an action's <c>cluster:</c> names); at least one.</param>
/// <param name="DefaultCluster">The key of the cluster an action without <c>cluster:</c> goes to.</param>
/// <param name="Namespaces">
/// The allow-list: the only namespaces acted on. Never empty. <c>*</c> stands for every namespace except the protected
/// ones and <paramref name="OwnNamespace"/>, which are touched only when listed by name.
/// </param>
/// <param name="NamespaceBudget">At most this many actions per namespace (of a cluster) per window; null: no such budget.</param>
/// <param name="ClusterBudget">At most this many actions per cluster per window; null: no such budget.</param>
/// <param name="MinReadyReplicas">A pod is deleted only while its owner keeps at least this many other ready replicas.</param>
/// <param name="DryRun">True: every Kubernetes action is planned and audited, none is called.</param>
/// <param name="DryRunRules">Rules whose Kubernetes actions are only planned and audited.</param>
/// <param name="OwnNamespace">Where the function's own cluster side runs (its log shipper, its RBAC); null when none.</param>
public sealed record KubernetesSettings(
    IReadOnlyDictionary<string, KubernetesCluster> Clusters,
    string DefaultCluster,
    IReadOnlyList<string> Namespaces,
    KubernetesBudget? NamespaceBudget,
    KubernetesBudget? ClusterBudget,
    int MinReadyReplicas,
    bool DryRun,
    IReadOnlyList<string> DryRunRules,
    string? OwnNamespace = null)
{
    /// <summary>In <see cref="Namespaces"/>: every namespace but the protected ones and the function's own.</summary>
    public const string AnyNamespace = "*";

    /// <summary>Namespaces that are never touched unless the allow-list names them explicitly (no patterns reach them).</summary>
    public static IReadOnlyList<string> ProtectedNamespaces { get; } = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>True when <paramref name="ns"/> is on the allow-list: named, or covered by <c>*</c> and neither protected nor the function's own.</summary>
    public bool Allows(string ns) =>
        Namespaces.Contains(ns, StringComparer.Ordinal)
        || (Namespaces.Contains(AnyNamespace, StringComparer.Ordinal)
            && !ProtectedNamespaces.Contains(ns, StringComparer.Ordinal)
            && !string.Equals(ns, OwnNamespace, StringComparison.Ordinal));
}
