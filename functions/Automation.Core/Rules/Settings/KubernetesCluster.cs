namespace Automation.Core.Rules.Settings;

/// <summary>One cluster of the <c>kubernetes:</c> section. Text values may be <c>${VARIABLE}</c>: the function's environment fills them in at INIT.</summary>
/// <param name="Key">Its key under <c>clusters:</c>.</param>
/// <param name="Name">EKS: the cluster's name (signed into the token).</param>
/// <param name="Endpoint">EKS: the API server's https URL.</param>
/// <param name="CertificateAuthority">EKS: the cluster CA, base64 of the PEM as EKS hands it out (or the PEM itself).</param>
/// <param name="Region">EKS: the cluster's region; null: the function's AWS_REGION.</param>
/// <param name="Context">Kubeconfig: the context to use; null: the kubeconfig's current-context.</param>
public sealed record KubernetesCluster(
    string Key,
    KubernetesClusterAccess Access,
    string? Name = null,
    string? Endpoint = null,
    string? CertificateAuthority = null,
    string? Region = null,
    string? Context = null);
