using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Rules.Settings;
using Automation.PodRestarter.Kubernetes;
using Automation.Testing.Kubernetes;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>How clusters are configured: EKS values from the environment, kubeconfigs from the secret, TLS always verified.</summary>
public sealed class ClusterConfigurationTests
{
    private static readonly KubernetesCluster Eks =
        new("main", KubernetesClusterAccess.Eks, "${EKS_CLUSTER_NAME}", "${EKS_CLUSTER_ENDPOINT}", "${EKS_CLUSTER_CA}");

    private static KubernetesSettings Settings(KubernetesCluster cluster) =>
        new(new Dictionary<string, KubernetesCluster> { [cluster.Key] = cluster }, cluster.Key, ["shop"], null, null, 1, false, []);

    [Fact]
    public async Task A_cluster_with_an_unset_variable_is_unusable_with_the_variable_named()
    {
        using var ca = new TestCertificateAuthority();
        var environment = new Dictionary<string, string> { ["EKS_CLUSTER_NAME"] = "prod", ["EKS_CLUSTER_CA"] = ca.EksData, ["AWS_REGION"] = "eu-west-1" };

        using var clusters = new KubernetesClusters(Settings(Eks), environment.GetValueOrDefault, FunctionSecrets.None, TimeProvider.System);

        const string reason = "kubernetes cluster main: endpoint is ${EKS_CLUSTER_ENDPOINT}, but EKS_CLUSTER_ENDPOINT is not set";
        Assert.Equal(reason, clusters.Unavailable["main"]);
        Assert.Equal(reason, (await Assert.ThrowsAsync<ConfigurationException>(() => clusters.GetAsync("main"))).Message);
    }

    [Fact]
    public void A_plain_http_endpoint_makes_the_cluster_unusable()
    {
        using var ca = new TestCertificateAuthority();
        var environment = new Dictionary<string, string>
        {
            ["EKS_CLUSTER_NAME"] = "prod", ["EKS_CLUSTER_ENDPOINT"] = "http://127.0.0.1:8080", ["EKS_CLUSTER_CA"] = ca.EksData, ["AWS_REGION"] = "eu-west-1",
        };

        using var clusters = new KubernetesClusters(Settings(Eks), environment.GetValueOrDefault, FunctionSecrets.None, TimeProvider.System);

        Assert.Contains("must be an https:// URL", clusters.Unavailable["main"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_ca_is_read_as_eks_gives_it_or_as_pem_and_garbage_fails_init()
    {
        using var ca = new TestCertificateAuthority();

        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(KubernetesClusters.ReadCertificateAuthority("main", ca.EksData)).Thumbprint);
        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(KubernetesClusters.ReadCertificateAuthority("main", ca.Pem)).Thumbprint);
        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(KubernetesClusters.ReadCertificateAuthority("main", Convert.ToBase64String(ca.Certificate.RawData))).Thumbprint);
        Assert.Throws<ConfigurationException>(() => KubernetesClusters.ReadCertificateAuthority("main", "not a certificate"));
    }

    [Fact]
    public async Task A_kubeconfig_with_a_token_reaches_the_cluster_with_tls_verified()
    {
        using var ca = new TestCertificateAuthority();
        await using var api = await FakeKubernetesApi.StartAsync(ca);
        api.AcceptToken = token => token == "static-token-1";
        api.AddPod("shop", "web-1", new Dictionary<string, string>(), ready: true, owner: null);
        var cluster = new KubernetesCluster("lab", KubernetesClusterAccess.Kubeconfig, Context: "lab-admin");

        var config = await KubernetesClusters.FromKubeconfigAsync(cluster, Kubeconfig(api.Endpoint, ca.EksData, "token: static-token-1"));
        using var client = new k8s.Kubernetes(config);
        var pod = await k8s.CoreV1OperationsExtensions.ReadNamespacedPodAsync(client.CoreV1, "web-1", "shop");

        Assert.Equal("web-1", pod.Metadata.Name);
        Assert.Equal("Bearer static-token-1", Assert.Single(api.Requests).Authorization);
    }

    [Theory]
    [InlineData("insecure-skip-tls-verify: true", "token: t", "insecure-skip-tls-verify")]
    [InlineData("", "exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token] }", "exec or auth-provider")]
    public async Task A_kubeconfig_that_skips_tls_or_runs_a_program_is_refused(string clusterLine, string userLine, string reason)
    {
        using var ca = new TestCertificateAuthority();
        var cluster = new KubernetesCluster("lab", KubernetesClusterAccess.Kubeconfig, Context: "lab-admin");
        var kubeconfig = Kubeconfig("https://127.0.0.1:6443", clusterLine.Length == 0 ? ca.EksData : null, userLine, clusterLine);

        var e = await Assert.ThrowsAsync<ConfigurationException>(() => KubernetesClusters.FromKubeconfigAsync(cluster, kubeconfig));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_context_is_named()
    {
        var cluster = new KubernetesCluster("lab", KubernetesClusterAccess.Kubeconfig, Context: "nope");

        var e = await Assert.ThrowsAsync<ConfigurationException>(() => KubernetesClusters.FromKubeconfigAsync(cluster, Kubeconfig("https://127.0.0.1:6443", null, "token: t")));

        Assert.Contains("no context 'nope'", e.Message, StringComparison.Ordinal);
    }

    private static string Kubeconfig(string server, string? caData, string userLine, string clusterLine = "") => $"""
        apiVersion: v1
        kind: Config
        current-context: lab-admin
        clusters:
          - name: lab
            cluster:
              server: {server}
        {(caData is null ? "" : $"      certificate-authority-data: {caData}")}
        {(clusterLine.Length == 0 ? "" : "      " + clusterLine)}
        users:
          - name: admin
            user:
              {userLine}
        contexts:
          - name: lab-admin
            context:
              cluster: lab
              user: admin
        """;
}
