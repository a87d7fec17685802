using System.Text.Json;
using Amazon.Runtime;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Kafka;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.LogForwarder;
using Automation.LogForwarder.Bulk;
using Automation.Testing.OpenSearch;

namespace Automation.Functions.Tests.Forwarding;

/// <summary>
/// LogForwarderFunction built exactly as Lambda builds it (FunctionComposition), pointed at a <see cref="FakeOpenSearch"/>
/// with test credentials and a short backoff, plus what the event source mapping does: deliver batches and take
/// batchItemFailures back.
/// </summary>
internal sealed class ForwarderHarness
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "eu-west-1";

    public static readonly BulkSendOptions FastRetries = new(
        ForwardingDefaults.BulkMaxBytes, DeadlineMargin: TimeSpan.FromMilliseconds(300), RequestTimeout: TimeSpan.FromSeconds(10),
        BackoffBase: TimeSpan.FromMilliseconds(5), BackoffCap: TimeSpan.FromMilliseconds(40));

    private int _invocations;

    private ForwarderHarness(ILambdaHandler handler, StringWriter log)
    {
        Handler = handler;
        Log = log;
    }

    public ILambdaHandler Handler { get; }

    public StringWriter Log { get; }

    public static async Task<ForwarderHarness> StartAsync(
        FakeOpenSearch server, string rules, string service = "es", Dictionary<string, string>? extra = null,
        BulkSendOptions? options = null, Func<SecretsManagerClient>? secrets = null, bool reportBatchItemFailures = true)
    {
        var rulesFile = Path.Combine(Path.GetTempPath(), "forward-rules-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(rulesFile, rules);
        var environment = new Dictionary<string, string>
        {
            [FunctionSettings.RulesFileVariable] = rulesFile,
            [FunctionSettings.DryRunVariable] = "false",
            [FunctionSettings.ReportBatchItemFailuresVariable] = reportBatchItemFailures ? "true" : "false",
            [ForwarderOptions.EndpointVariable] = server.Endpoint.ToString(),
            [ForwarderOptions.ServiceVariable] = service,
            ["AWS_REGION"] = Region,
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }
        var log = new StringWriter();
        var definition = LogForwarderFunction.For(name => environment.GetValueOrDefault(name), handler: new SocketsHttpHandler(),
            credentials: new BasicAWSCredentials(AccessKey, SecretKey), sendOptions: options ?? FastRetries);
        try
        {
            var handler = await FunctionComposition.CreateHandlerAsync(definition, name => environment.GetValueOrDefault(name), TextWriter.Synchronized(log),
                TimeProvider.System, secrets ?? (() => throw new InvalidOperationException("no secrets in this test")), CancellationToken.None);
            return new ForwarderHarness(handler, log);
        }
        finally
        {
            File.Delete(rulesFile); // read at INIT
        }
    }

    /// <summary>One invocation; returns the batchItemFailures as coordinates.</summary>
    public async Task<List<KafkaCoordinates>> InvokeAsync(IReadOnlyList<KafkaRecord> records, TimeSpan? deadline = null)
    {
        var context = new LambdaContext($"req-{Interlocked.Increment(ref _invocations)}", TimeProvider.System.GetUtcNow() + (deadline ?? TimeSpan.FromSeconds(20)), null, null);
        var response = await Handler.HandleAsync(KafkaEventWriter.Write(records), context, CancellationToken.None);
        using var json = JsonDocument.Parse(response);
        return json.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f =>
        {
            var partition = f.GetProperty("itemIdentifier").GetProperty("partition").GetString()!;
            var dash = partition.LastIndexOf('-');
            return new KafkaCoordinates(partition[..dash], int.Parse(partition[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                f.GetProperty("itemIdentifier").GetProperty("offset").GetInt64());
        }).ToList();
    }

    public List<JsonElement> LogLines(string message) =>
        Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.GetProperty("message").GetString() == message)
            .ToList();
}
