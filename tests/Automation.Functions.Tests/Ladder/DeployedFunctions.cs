using System.Text.Json;
using Automation.RollbackTrigger;
using Automation.Testing;
using Automation.Testing.Kubernetes;

namespace Automation.Functions.Tests.Ladder;

/// <summary>
/// What the end-to-end harnesses (the ladder, notifications) share for running the functions as deployed, each
/// `invoke --live` in its own process against moto and the fakes: the environment, the payments pods' OOM lines, and
/// the audit-line schema every line they write must hold to.
/// </summary>
internal static class DeployedFunctions
{
    public const string Namespace = "payments";

    public static readonly string[] Suffixes = ["qx7tz", "h4m2p"];

    /// <summary>The pod hash of <paramref name="app"/>'s Deployment in the fake API.</summary>
    public static string Hash(string app) => app == "payments-api" ? "6c9d7f8b5" : "7b8c9d0e1";

    /// <summary><paramref name="count"/> OOM lines of <paramref name="app"/>'s pods, a millisecond apart from <paramref name="from"/>.</summary>
    public static IEnumerable<byte[]> OomLines(string app, int count, DateTimeOffset from) =>
        Enumerable.Range(0, count).Select(i => PodLogEvents.Line(Namespace, app, Hash(app), Suffixes[i % Suffixes.Length],
            $"Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space ({app} line {i})", from.AddMilliseconds(i)));

    /// <summary>
    /// The functions' environment: state in moto's DynamoDB <paramref name="table"/>, the GitHub token in moto's Secrets
    /// Manager, the fake Kubernetes API as the EKS cluster; fake AWS credentials, partial batch responses on.
    /// </summary>
    public static Dictionary<string, string> Environment(MotoServer moto, string table, string githubSecret, FakeKubernetesApi kubernetes, TestCertificateAuthority ca) =>
        new(StringComparer.Ordinal)
        {
            ["STATE_TABLE"] = table,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = moto.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = moto.Endpoint.ToString(),
            ["AWS_REGION"] = MotoSecretsManager.Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["REPORT_BATCH_ITEM_FAILURES"] = "true",
            [RollbackFunction.GitHubSecretVariable] = githubSecret,
            ["EKS_CLUSTER_NAME"] = "shop-cluster",
            ["EKS_CLUSTER_ENDPOINT"] = kubernetes.Endpoint,
            ["EKS_CLUSTER_CA"] = ca.EksData,
        };

    /// <summary>The line holds to docs/schemas/audit-line.schema.json (the suite's one instance of it).</summary>
    public static void AssertValid(JsonElement line) => Audit.AuditLineSchemaTests.AssertValid(line);
}
