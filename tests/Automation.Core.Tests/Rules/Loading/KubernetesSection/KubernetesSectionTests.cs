using Automation.Core.Rules.Settings;
using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading.KubernetesSection;

public sealed class KubernetesSectionTests
{
    /// <summary>A rules file with one rule, java-oom, whose kubernetes: section has the given lines (indented by two); they start on line 4.</summary>
    private static string Section(params string[] lines) =>
        "version: 1\nrules: [{ id: java-oom, match: { contains: OutOfMemoryError } }]\nkubernetes:\n" + string.Concat(lines.Select(l => "  " + l + "\n"));

    private static readonly string[] Eks =
    [
        "clusters:",
        "  main:",
        "    eks: { name: prod, endpoint: '${EKS_CLUSTER_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }",
    ];

    [Fact]
    public void A_full_section_is_read_with_every_value()
    {
        var settings = Load(Section(
            "clusters:",
            "  main:",
            "    eks: { name: prod, endpoint: 'https://abc.gr7.eu-west-1.eks.amazonaws.com', certificate_authority: '${EKS_CLUSTER_CA}', region: eu-west-1 }",
            "  lab:",
            "    kubeconfig: { context: lab-admin }",
            "default_cluster: main",
            "namespaces: [payments, checkout]",
            "own_namespace: logging",
            "budgets:",
            "  namespace: { count: 3, within: 10m }",
            "  cluster: { count: 10, within: 1h }",
            "min_ready_replicas: 2",
            "dry_run: true",
            "dry_run_rules: [java-oom]")).Kubernetes!;

        Assert.Equal("main", settings.DefaultCluster);
        Assert.Equal(new KubernetesCluster("main", KubernetesClusterAccess.Eks, "prod",
            "https://abc.gr7.eu-west-1.eks.amazonaws.com", "${EKS_CLUSTER_CA}", "eu-west-1"), settings.Clusters["main"]);
        Assert.Equal(new KubernetesCluster("lab", KubernetesClusterAccess.Kubeconfig, Context: "lab-admin"), settings.Clusters["lab"]);
        Assert.Equal(["payments", "checkout"], settings.Namespaces);
        Assert.Equal(new KubernetesBudget(3, TimeSpan.FromMinutes(10)), settings.NamespaceBudget);
        Assert.Equal(new KubernetesBudget(10, TimeSpan.FromHours(1)), settings.ClusterBudget);
        Assert.Equal(2, settings.MinReadyReplicas);
        Assert.True(settings.DryRun);
        Assert.Equal(["java-oom"], settings.DryRunRules);
        Assert.Equal("logging", settings.OwnNamespace);
    }

    [Fact]
    public void A_dry_run_rule_that_names_no_rule_is_reported_where_it_is_written()
    {
        SingleProblem(Section([.. Eks, "namespaces: [payments]", "dry_run_rules: [java-oom, jvaa-oom]"]), 8, 29,
            "dry_run_rules: 'jvaa-oom' is not the id of a rule in this file");
    }

    [Fact]
    public void One_cluster_is_the_default_and_the_guardrails_have_safe_defaults()
    {
        var settings = Load(Section([.. Eks, "namespaces: [payments]"])).Kubernetes!;

        Assert.Equal("main", settings.DefaultCluster);
        Assert.Equal(1, settings.MinReadyReplicas);
        Assert.False(settings.DryRun);
        Assert.Null(settings.NamespaceBudget);
    }

    [Theory]
    [InlineData("payments", true)]
    [InlineData("kube-system", false)]
    [InlineData("kube-public", false)]
    [InlineData("kube-node-lease", false)]
    [InlineData("logging", false)]
    public void A_star_covers_every_namespace_but_the_protected_ones_and_the_functions_own(string ns, bool allowed)
    {
        var settings = Load(Section([.. Eks, "namespaces: ['*']", "own_namespace: logging"])).Kubernetes!;

        Assert.Equal(allowed, settings.Allows(ns));
    }

    [Fact]
    public void A_protected_namespace_is_allowed_only_when_named()
    {
        var settings = Load(Section([.. Eks, "namespaces: ['*', kube-system]"])).Kubernetes!;

        Assert.True(settings.Allows("kube-system"));
        Assert.False(settings.Allows("kube-public"));
    }

    [Fact]
    public void The_allow_list_is_required()
    {
        SingleProblem(Section(Eks), 4, 3, "kubernetes: needs namespaces:");
    }

    [Fact]
    public void An_empty_allow_list_is_refused()
    {
        SingleProblem(Section([.. Eks, "namespaces: []"]), 7, 15, "namespaces is empty");
    }

    [Fact]
    public void A_namespace_that_is_not_a_dns_label_is_refused()
    {
        SingleProblem(Section([.. Eks, "namespaces: [Payments_1]"]), 7, 16, "'Payments_1' is not a valid namespace name");
    }

    [Fact]
    public void Several_clusters_need_a_default()
    {
        SingleProblem(Section([.. Eks, "  lab: { kubeconfig: {} }", "namespaces: [payments]"]), 4, 3, "name the one an action without cluster: goes to with default_cluster:");
    }

    [Fact]
    public void The_default_must_be_one_of_the_clusters()
    {
        SingleProblem(Section([.. Eks, "default_cluster: prod", "namespaces: [payments]"]), 7, 20, "default_cluster 'prod' is not one of clusters: (main)");
    }

    [Fact]
    public void An_eks_endpoint_must_be_https()
    {
        SingleProblem(Section(
            "clusters:",
            "  main:",
            "    eks: { name: prod, endpoint: 'http://10.0.0.1', certificate_authority: x }",
            "namespaces: [payments]"), 6, 36, "must be an https:// URL");
    }

    [Fact]
    public void An_eks_cluster_needs_its_name_endpoint_and_ca()
    {
        var problems = Problems(Section("clusters:", "  main:", "    eks: { name: prod }", "namespaces: [payments]"));

        Assert.Equal(2, problems.Count);
        AssertProblem(problems[0], 6, 12, "needs endpoint:");
        AssertProblem(problems[1], 6, 12, "needs certificate_authority:");
    }

    [Fact]
    public void A_budget_needs_a_count_and_a_window()
    {
        SingleProblem(Section([.. Eks, "namespaces: [payments]", "budgets: { cluster: { count: 0, within: 10m } }"]), 8, 32, "budgets.cluster count must be a whole number ≥ 1");
    }

    [Fact]
    public void Unknown_keys_are_named_with_a_suggestion()
    {
        SingleProblem(Section([.. Eks, "namespace: [payments]", "namespaces: [payments]"]), 7, 3, "unknown key 'namespace' in kubernetes:", "did you mean 'namespaces'?");
    }
}
