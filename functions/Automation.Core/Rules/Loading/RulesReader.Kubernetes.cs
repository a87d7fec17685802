using System.Globalization;
using System.Text.RegularExpressions;
using Automation.Core.Rules.Settings;

namespace Automation.Core.Rules.Loading;

internal sealed partial class RulesReader
{
    private static readonly string[] KubernetesKeys = ["clusters", "default_cluster", "namespaces", "budgets", "min_ready_replicas", "dry_run", "dry_run_rules", "own_namespace"];
    private static readonly string[] EksKeys = ["name", "endpoint", "certificate_authority", "region"];
    private static readonly string[] KubeconfigKeys = ["context"];
    private static readonly string[] BudgetScopes = ["namespace", "cluster"];
    private static readonly string[] BudgetKeys = ["count", "within"];

    /// <summary>The <c>kubernetes:</c> section: clusters, the namespace allow-list, budgets, blast radius and dry-run.</summary>
    private KubernetesSettings? ReadKubernetes(YamlNode node, IReadOnlyList<Rule> rules)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, "kubernetes", "a mapping");
            return null;
        }
        var before = _problems.Count;
        // A misspelt key is one mistake: its did-you-mean says it all, so the keys it stands for are not also missing.
        var complain = CheckKeys(map, KubernetesKeys, "in kubernetes:") == 0;

        var clusters = new Dictionary<string, KubernetesCluster>(StringComparer.Ordinal);
        if (map.Find("clusters") is { } clustersEntry)
        {
            ReadClusters(clustersEntry.Value, clusters);
        }
        else if (complain)
        {
            _problems.At(map, "kubernetes: needs clusters: (at least one, e.g. main: { eks: { name: ..., endpoint: ..., certificate_authority: ... } })");
        }

        string? defaultCluster = null;
        if (map.Find("default_cluster") is { } defaultEntry)
        {
            defaultCluster = Text(defaultEntry.Value, "default_cluster");
            if (defaultCluster is not null && clusters.Count > 0 && !clusters.ContainsKey(defaultCluster))
            {
                _problems.At(defaultEntry.Value, $"default_cluster '{Shorten(defaultCluster)}' is not one of clusters: ({string.Join(", ", clusters.Keys)})");
            }
        }
        else if (clusters.Count == 1)
        {
            defaultCluster = clusters.Keys.First();
        }
        else if (clusters.Count > 1)
        {
            _problems.At(map, "kubernetes: has several clusters: name the one an action without cluster: goes to with default_cluster:");
        }

        var namespaces = new List<string>();
        if (map.Find("namespaces") is { } namespacesEntry)
        {
            ReadNamespaces(namespacesEntry.Value, namespaces);
        }
        else if (complain)
        {
            _problems.At(map, "kubernetes: needs namespaces: (the allow-list of namespaces the function may act in)");
        }

        KubernetesBudget? namespaceBudget = null, clusterBudget = null;
        if (map.Find("budgets") is { } budgetsEntry)
        {
            if (budgetsEntry.Value is YamlMapping budgets)
            {
                CheckKeys(budgets, BudgetScopes, "in kubernetes.budgets");
                namespaceBudget = budgets.Find("namespace") is { } n ? ReadBudget(n.Value, "budgets.namespace") : null;
                clusterBudget = budgets.Find("cluster") is { } c ? ReadBudget(c.Value, "budgets.cluster") : null;
            }
            else
            {
                Expected(budgetsEntry.Value, "budgets", "a mapping such as { namespace: { count: 3, within: 10m }, cluster: { count: 10, within: 10m } }");
            }
        }

        var minReady = 1;
        if (map.Find("min_ready_replicas") is { } minEntry)
        {
            if (IntegerIn(minEntry.Value, 0) is { } n)
            {
                minReady = n;
            }
            else
            {
                Expected(minEntry.Value, "min_ready_replicas", "a whole number ≥ 0");
            }
        }

        var dryRun = map.Find("dry_run") is { } dryEntry && Bool(dryEntry.Value, "dry_run") == true;
        var dryRunRules = new List<string>();
        if (map.Find("dry_run_rules") is { } dryRulesEntry && Sequence(dryRulesEntry.Value, "dry_run_rules", "a list of rule ids") is { } ids)
        {
            foreach (var item in ids.Items)
            {
                if (Text(item, "dry_run_rules") is { } id)
                {
                    // A misspelt id would let the rule act live.
                    if (rules.All(r => r.Id != id))
                    {
                        _problems.At(item, $"dry_run_rules: '{id}' is not the id of a rule in this file");
                    }
                    dryRunRules.Add(id);
                }
            }
        }

        string? own = null;
        if (map.Find("own_namespace") is { } ownEntry && Text(ownEntry.Value, "own_namespace") is { } ownText)
        {
            if (Dns1123Label().IsMatch(ownText))
            {
                own = ownText;
            }
            else
            {
                _problems.At(ownEntry.Value, $"own_namespace '{Shorten(ownText)}' is not a valid namespace name");
            }
        }

        return _problems.Count > before || defaultCluster is null
            ? null
            : new KubernetesSettings(clusters, defaultCluster, namespaces, namespaceBudget, clusterBudget, minReady, dryRun, dryRunRules, own);
    }

    private void ReadClusters(YamlNode node, Dictionary<string, KubernetesCluster> clusters)
    {
        if (node is not YamlMapping map || map.Entries.Count == 0)
        {
            Expected(node, "clusters", "a mapping of cluster keys to { eks: {...} } or { kubeconfig: {...} }");
            return;
        }
        foreach (var entry in map.Entries)
        {
            var key = entry.Key.Value;
            if (!Dns1123Label().IsMatch(key))
            {
                _problems.At(entry.Key, $"cluster key '{Shorten(key)}' must be lower-case letters, digits and '-' (at most 63)");
                continue;
            }
            if (entry.Value is not YamlMapping cluster || cluster.Entries.Count != 1)
            {
                Expected(entry.Value, $"cluster {key}", "a mapping with exactly one of eks: or kubeconfig:");
                continue;
            }
            CheckKeys(cluster, ["eks", "kubeconfig"], $"in cluster {key}");
            var access = cluster.Entries[0];
            if (access.Key.Value == "eks" && ReadEks(key, access.Value) is { } eks)
            {
                clusters[key] = eks;
            }
            else if (access.Key.Value == "kubeconfig")
            {
                clusters[key] = ReadKubeconfigCluster(key, access.Value);
            }
        }
    }

    private KubernetesCluster? ReadEks(string key, YamlNode node)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, $"cluster {key} eks", "a mapping { name, endpoint, certificate_authority, region? }");
            return null;
        }
        CheckKeys(map, EksKeys, $"in cluster {key} eks:");
        string? Value(string name, bool required)
        {
            if (map.Find(name) is { } entry)
            {
                return Text(entry.Value, $"{key}.eks.{name}");
            }
            if (required)
            {
                _problems.At(map, $"cluster {key} eks: needs {name}: (a value, or ${{VARIABLE}} to take it from the function's environment)");
            }
            return null;
        }
        var name = Value("name", required: true);
        var endpoint = Value("endpoint", required: true);
        var ca = Value("certificate_authority", required: true);
        var region = Value("region", required: false);
        if (endpoint is not null && !endpoint.StartsWith("${", StringComparison.Ordinal) && !endpoint.StartsWith("https://", StringComparison.Ordinal))
        {
            _problems.At(map.Find("endpoint")!.Value, $"cluster {key} endpoint must be an https:// URL (TLS is always verified)");
        }
        return name is null || endpoint is null || ca is null
            ? null
            : new KubernetesCluster(key, KubernetesClusterAccess.Eks, name, endpoint, ca, region);
    }

    private KubernetesCluster ReadKubeconfigCluster(string key, YamlNode node)
    {
        string? context = null;
        if (node is YamlMapping map)
        {
            CheckKeys(map, KubeconfigKeys, $"in cluster {key} kubeconfig:");
            context = map.Find("context") is { } c ? Text(c.Value, $"{key}.kubeconfig.context") : null;
        }
        else if (node is not YamlScalar { Kind: ScalarKind.Null })
        {
            Expected(node, $"cluster {key} kubeconfig", "a mapping { context? } or empty");
        }
        return new KubernetesCluster(key, KubernetesClusterAccess.Kubeconfig, Context: context);
    }

    private void ReadNamespaces(YamlNode node, List<string> namespaces)
    {
        if (Sequence(node, "namespaces", "a list of namespace names, e.g. [payments, checkout]") is not { } list)
        {
            return;
        }
        if (list.Items.Count == 0)
        {
            _problems.At(list, "namespaces is empty: list the namespaces the function may act in");
        }
        foreach (var item in list.Items)
        {
            if (Text(item, "namespaces") is not { } ns)
            {
                continue;
            }
            if (ns != KubernetesSettings.AnyNamespace && !Dns1123Label().IsMatch(ns))
            {
                _problems.At(item, $"namespace '{Shorten(ns)}' is not a valid namespace name (lower-case letters, digits and '-', at most 63)");
            }
            else if (namespaces.Contains(ns))
            {
                _problems.At(item, $"namespace '{ns}' is listed twice");
            }
            else
            {
                namespaces.Add(ns);
            }
        }
    }

    private KubernetesBudget? ReadBudget(YamlNode node, string what)
    {
        if (node is not YamlMapping map)
        {
            Expected(node, what, "a mapping { count, within }");
            return null;
        }
        CheckKeys(map, BudgetKeys, $"in {what}");
        int? count = null;
        if (map.Find("count") is { } countEntry)
        {
            if (IntegerIn(countEntry.Value, 1) is { } n)
            {
                count = n;
            }
            else
            {
                Expected(countEntry.Value, $"{what} count", "a whole number ≥ 1");
            }
        }
        else
        {
            _problems.At(map, $"{what} needs count: (how many actions within the window)");
        }
        TimeSpan? within = null;
        if (map.Find("within") is { } withinEntry)
        {
            within = Duration(withinEntry.Value, $"{what} within");
        }
        else
        {
            _problems.At(map, $"{what} needs within: (the window), e.g. within: 10m");
        }
        return count is null || within is null ? null : new KubernetesBudget(count.Value, within.Value);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();
}
