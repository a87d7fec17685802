namespace Automation.Core.Rules.Settings;

/// <summary>How a cluster of the <c>kubernetes:</c> section is reached.</summary>
public enum KubernetesClusterAccess
{
    /// <summary>An EKS cluster: a bearer token made from the function's IAM role, endpoint and CA given here.</summary>
    Eks,

    /// <summary>Any cluster: server, CA and a token or client certificate from the kubeconfig in the function's secret.</summary>
    Kubeconfig,
}
