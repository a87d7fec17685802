using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.PodRestarter;
using Automation.PodRestarter.Kubernetes;
using Automation.Testing.Kubernetes;

namespace Automation.Functions.Tests.Kubernetes;

/// <summary>
/// PodRestartFunction built as Lambda builds it (live, EKS cluster from the environment) against a fake Kubernetes API
/// over HTTPS with a test CA: the real KubernetesClient.Aot does every call.
/// </summary>
internal sealed class RestartHarness : IAsyncDisposable
{
    public const string Namespace = "shop";

    /// <summary>Retries fast enough for tests, with the same shape as in production.</summary>
    public static readonly KubernetesRetryOptions FastRetry =
        new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), MaxAttempts: 4, AttemptTimeout: TimeSpan.FromSeconds(10), DeadlineMargin: TimeSpan.FromMilliseconds(200));

    private readonly string _scratch = Directory.CreateTempSubdirectory("restart-").FullName;
    private readonly StringWriter _log = new();
    private ILambdaHandler? _handler;
    private int _linesRead;

    private RestartHarness(TestCertificateAuthority ca, FakeKubernetesApi api)
    {
        Ca = ca;
        Api = api;
    }

    public TestCertificateAuthority Ca { get; }

    public FakeKubernetesApi Api { get; }

    public static async Task<RestartHarness> StartAsync(TestCertificateAuthority? serverCa = null)
    {
        var ca = new TestCertificateAuthority();
        return new RestartHarness(ca, await FakeKubernetesApi.StartAsync(serverCa ?? ca));
    }

    /// <summary>Writes the rules file (the kubernetes: section is added when <paramref name="kubernetes"/> is given) and builds the function.</summary>
    public async Task InitAsync(string rules, string? kubernetes, KubernetesRetryOptions? retry = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var path = Path.Combine(_scratch, "rules.yaml");
        await File.WriteAllTextAsync(path, "version: 1\nrules:\n" + rules + (kubernetes is null ? "" : "\nkubernetes:\n" + kubernetes));
        var environment = Environment(path);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var definition = PodRestartFunction.CreateDefinition(environment.GetValueOrDefault, retry ?? FastRetry,
            _ => Task.FromResult(new ImmutableCredentials("AKIDEXAMPLE", "secret", null)));
        _handler = await FunctionComposition.CreateHandlerAsync(definition, environment.GetValueOrDefault, _log, TimeProvider.System, CancellationToken.None);
    }

    /// <summary>The variables the function reads in these tests: live, partial responses, the EKS cluster of the fake.</summary>
    public Dictionary<string, string> Environment(string rulesFile) => new(StringComparer.Ordinal)
    {
        ["RULES_FILE"] = rulesFile,
        ["DRY_RUN"] = "false",
        ["REPORT_BATCH_ITEM_FAILURES"] = "true",
        ["LOG_LEVEL"] = "info",
        ["EKS_CLUSTER_NAME"] = "shop-cluster",
        ["EKS_CLUSTER_ENDPOINT"] = Api.Endpoint,
        ["EKS_CLUSTER_CA"] = Ca.EksData,
        ["AWS_REGION"] = "eu-west-1",
    };

    /// <summary>The kubernetes: section for the fake's cluster, with these extra lines (indented by two).</summary>
    public static string Section(params string[] lines) =>
        "  clusters:\n    main:\n      eks: { name: '${EKS_CLUSTER_NAME}', endpoint: '${EKS_CLUSTER_ENDPOINT}', certificate_authority: '${EKS_CLUSTER_CA}' }\n"
        + string.Concat(lines.Select(l => "  " + l + "\n"));

    /// <summary>Every log line written so far (before the first invocation: INIT's).</summary>
    public List<JsonElement> InitLines() =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    /// <summary>Runs one invocation; returns the response and the log lines it wrote.</summary>
    public async Task<(JsonElement Response, List<JsonElement> Lines)> InvokeAsync(byte[] payload, TimeSpan? timeout = null)
    {
        var context = new LambdaContext($"req-{Guid.NewGuid():N}", TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(30)), null, null);
        var response = await _handler!.HandleAsync(payload, context, CancellationToken.None);
        var lines = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(_linesRead).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        _linesRead += lines.Count;
        return (JsonDocument.Parse(response).RootElement.Clone(), lines);
    }

    /// <summary>The "audit":"action" lines of an invocation.</summary>
    public static List<JsonElement> ActionAudits(List<JsonElement> lines) =>
        lines.Where(l => l.TryGetProperty("audit", out var a) && a.GetString() == "action").ToList();

    public static string Fact(JsonElement audit, string name) => audit.GetProperty("facts").GetProperty(name).GetString()!;

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        Ca.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
