using System.Text.RegularExpressions;
using Automation.Core.Rules.Loading;
using Automation.Functions.Tests.Template;
using Automation.PodRestarter;
using Automation.Testing;
using YamlDotNet.RepresentationModel;
using static Automation.Functions.Tests.Template.CloudFormationTemplate;

namespace Automation.Functions.Tests.KubernetesDeploy;

/// <summary>
/// How PodRestartFunction is given a cluster: the template's EKS parameters reach the variables rules.yaml names, the
/// optional access entry puts the function's role in the group deploy/kubernetes/rbac.yaml binds, and that RBAC grants
/// exactly the calls the executors make, in exactly the namespaces rules.yaml allows.
/// </summary>
public sealed partial class KubernetesDeployTests
{
    private const string KafkaClusterArn = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs/00000000-0000-0000-0000-000000000000-1";

    private static readonly Dictionary<string, string> Eks = new()
    {
        ["EksClusterName"] = "shop-prod",
        ["EksClusterEndpoint"] = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
        ["EksClusterCertificateAuthority"] = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
    };

    private readonly CloudFormationTemplate _template = Load(Path.Combine(Fixtures.RepoRoot, "template.yaml"));

    private TemplateInstance Instance(IReadOnlyDictionary<string, string> parameters) =>
        new(_template, new Dictionary<string, string>(parameters) { ["KafkaClusterArn"] = KafkaClusterArn });

    [Fact]
    public void The_cluster_parameters_reach_the_variables_the_rules_file_names()
    {
        var environment = Instance(Eks).Environment(PodRestartFunction.LogicalId);

        Assert.Equal("shop-prod", Scalar(environment["EKS_CLUSTER_NAME"]));
        Assert.Equal(Eks["EksClusterEndpoint"], Scalar(environment["EKS_CLUSTER_ENDPOINT"]));
        Assert.Equal(Eks["EksClusterCertificateAuthority"], Scalar(environment["EKS_CLUSTER_CA"]));

        // Every ${VARIABLE} of rules.yaml's kubernetes: section is one the template sets.
        var rules = RulesLoader.Load(Path.Combine(Fixtures.RepoRoot, "rules.yaml")).Kubernetes!;
        var named = rules.Clusters.Values
            .SelectMany(c => new[] { c.Name, c.Endpoint, c.CertificateAuthority, c.Region })
            .Select(v => v is null ? null : Variable().Match(v))
            .Where(m => m is { Success: true })
            .Select(m => m!.Groups[1].Value);
        Assert.All(named, variable => Assert.True(environment.ContainsKey(variable), $"rules.yaml names ${{{variable}}}, which the template does not set"));
    }

    [Fact]
    public void Without_a_cluster_no_cluster_variable_is_set_and_no_access_entry_is_made()
    {
        var instance = Instance(new Dictionary<string, string> { ["CreateEksAccessEntry"] = "true" });

        Assert.DoesNotContain(instance.Environment(PodRestartFunction.LogicalId).Keys, k => k.StartsWith("EKS_", StringComparison.Ordinal));
        Assert.False(instance.Condition("CreatesEksAccessEntry"));
        Assert.Equal("CreatesEksAccessEntry", Scalar(Child(_template.Resource("PodRestartEksAccessEntry"), "Condition")));
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void The_access_entry_is_made_only_when_asked(string create, bool made)
    {
        var instance = Instance(new Dictionary<string, string>(Eks) { ["CreateEksAccessEntry"] = create });

        Assert.Equal(made, instance.Condition("CreatesEksAccessEntry"));
        Assert.Equal("false", Scalar(Child((YamlMappingNode)_template.Parameters["CreateEksAccessEntry"], "Default")));
    }

    [Fact]
    public void The_access_entry_puts_the_functions_role_in_the_rbac_group_without_any_access_policy()
    {
        var properties = _template.Properties("PodRestartEksAccessEntry");

        Assert.Equal("AWS::EKS::AccessEntry", Scalar(Child(_template.Resource("PodRestartEksAccessEntry"), "Type")));
        Assert.Equal(("GetAtt", "PodRestartFunctionRole.Arn"), Intrinsic(Child(properties, "PrincipalArn")!) is var (name, value) ? (name, Scalar(value)) : default);
        Assert.Equal("STANDARD", Scalar(Child(properties, "Type")));
        Assert.Null(Child(properties, "AccessPolicies"));
        var group = Assert.Single(((YamlSequenceNode)Child(properties, "KubernetesGroups")!).Children);
        Assert.Equal(("Ref", "EksKubernetesGroup"), Intrinsic(group) is var (n, v) ? (n, Scalar(v)) : default);
        var defaultGroup = Scalar(Child((YamlMappingNode)_template.Parameters["EksKubernetesGroup"], "Default"));
        var bindings = RbacDocuments().Concat(RbacDocuments(ClusterRbacFile)).Where(d => Kind(d) is "RoleBinding" or "ClusterRoleBinding").ToList();
        Assert.Equal(3, bindings.Count);
        Assert.All(bindings, binding =>
            Assert.Equal(defaultGroup, Scalar(Child((YamlMappingNode)((YamlSequenceNode)Child(binding, "subjects")!).Children.Single(), "name"))));
    }

    [Fact]
    public void The_rbac_grants_exactly_the_executors_calls_in_exactly_the_allowed_namespaces()
    {
        var documents = RbacDocuments();
        var allowed = RulesLoader.Load(Path.Combine(Fixtures.RepoRoot, "rules.yaml")).Kubernetes!.Namespaces;

        Assert.All(documents, d => Assert.Contains(Kind(d), new[] { "Role", "RoleBinding" }));
        var roles = documents.Where(d => Kind(d) == "Role").ToList();
        Assert.Equal(allowed.Order(StringComparer.Ordinal), roles.Select(Namespace).Order(StringComparer.Ordinal));
        Assert.Equal(allowed.Order(StringComparer.Ordinal), documents.Where(d => Kind(d) == "RoleBinding").Select(Namespace).Order(StringComparer.Ordinal));
        foreach (var role in roles)
        {
            Assert.Equal(ExecutorGrants, Grants(role));
        }
    }

    [Fact]
    public void The_cluster_rbac_for_all_namespaces_grants_the_same_calls_cluster_wide_to_the_same_group()
    {
        var documents = RbacDocuments(ClusterRbacFile);

        Assert.Equal(["ClusterRole", "ClusterRoleBinding"], documents.Select(Kind));
        Assert.All(documents, d => Assert.Null(Child((YamlMappingNode)Child(d, "metadata")!, "namespace")));
        var role = documents[0];
        Assert.Equal(ExecutorGrants, Grants(role));
        // Exactly what each namespaced Role of rbac.yaml grants: the two files differ only in scope.
        Assert.All(RbacDocuments().Where(d => Kind(d) == "Role"), namespaced => Assert.Equal(Grants(namespaced), Grants(role)));

        var roleRef = (YamlMappingNode)Child(documents[1], "roleRef")!;
        Assert.Equal("ClusterRole", Scalar(Child(roleRef, "kind")));
        Assert.Equal("rbac.authorization.k8s.io", Scalar(Child(roleRef, "apiGroup")));
        Assert.Equal(Scalar(Child((YamlMappingNode)Child(role, "metadata")!, "name")), Scalar(Child(roleRef, "name")));
        var subject = (YamlMappingNode)((YamlSequenceNode)Child(documents[1], "subjects")!).Children.Single();
        Assert.Equal("Group", Scalar(Child(subject, "kind")));
    }

    [Fact]
    public void A_rules_file_that_allows_every_namespace_still_keeps_the_protected_ones_out()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("cluster-rbac-").FullName, "rules.yaml");
        File.WriteAllText(path, "version: 1\nrules: []\nkubernetes:\n  clusters:\n    main:\n      kubeconfig: { context: lab }\n  namespaces: ['*']\n  own_namespace: logging\n");
        try
        {
            var settings = RulesLoader.Load(path).Kubernetes!;

            Assert.True(settings.Allows("payments"));
            Assert.All(new[] { "kube-system", "kube-public", "kube-node-lease", "logging" }, ns => Assert.False(settings.Allows(ns), ns));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    private const string ClusterRbacFile = "cluster-rbac.yaml";

    /// <summary>Every call restart_pod and rollout_restart make, as apiGroup/resource:verb.</summary>
    private static readonly string[] ExecutorGrants =
    [
        "/pods:delete", "/pods:get", "/pods:list", "apps/daemonsets:get", "apps/daemonsets:patch", "apps/deployments:get", "apps/deployments:patch",
        "apps/replicasets:get", "apps/statefulsets:get", "apps/statefulsets:patch",
    ];

    private static List<string> Grants(YamlMappingNode role) =>
        [.. ((YamlSequenceNode)Child(role, "rules")!).Children.Cast<YamlMappingNode>()
            .SelectMany(rule => Strings(rule, "apiGroups").SelectMany(g => Strings(rule, "resources").SelectMany(r => Strings(rule, "verbs").Select(v => $"{g}/{r}:{v}"))))
            .Order(StringComparer.Ordinal)];

    private static List<YamlMappingNode> RbacDocuments(string file = "rbac.yaml")
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Fixtures.RepoRoot, "deploy", "kubernetes", file));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static string Kind(YamlMappingNode document) => Scalar(Child(document, "kind"))!;

    private static string Namespace(YamlMappingNode document) => Scalar(Child((YamlMappingNode)Child(document, "metadata")!, "namespace"))!;

    private static IEnumerable<string> Strings(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)Child(node, key)!).Children.Select(c => Scalar(c)!);

    [GeneratedRegex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")]
    private static partial Regex Variable();
}
