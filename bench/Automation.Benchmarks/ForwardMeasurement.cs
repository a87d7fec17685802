using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Automation.Core.Configuration;
using Automation.Core.Aws.Secrets;
using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Pipeline;
using Automation.Core.Rules;
using Automation.Core.Rules.Decisions;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.Core.State;
using Automation.Core.Telemetry;
using Automation.LogForwarder;
using Automation.LogForwarder.Bulk;
using Automation.Testing;
using Automation.Testing.Lambda;
using Automation.Testing.OpenSearch;

namespace Automation.Benchmarks;

/// <summary>
/// LogForwarderFunction on the 6 MB Fluent Bit batch: how fast its bulk bodies are built (documents and aggregates
/// written into pooled buffers, cut into 5 MiB requests) with and without gzip, the bytes on the wire and the requests
/// per batch; with --aot, the peak RSS of the published bootstrap forwarding that batch to a loopback OpenSearch.
/// Prints one JSON object.
/// </summary>
internal static class ForwardMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = int.Parse(Option(args, "--iterations") ?? "20", CultureInfo.InvariantCulture);
        var payload = FluentBitSamples.SixMegabyteEvent();
        var rules = RulesLoader.Load(Path.Combine(Fixtures.RepoRoot, "rules.yaml"));
        var batch = await ParseAsync(payload, rules);
        var settings = rules.Forwarding ?? ForwardingSettings.Default;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("eventBytes", payload.Length);
            json.WriteNumber("kafkaRecords", batch.Kafka.Records.Count);
            json.WriteNumber("valueBytes", batch.Kafka.ValueBytes);
            json.WriteNumber("iterations", iterations);
            var sink = new ForwardSink(Services(rules), settings, rules.Rules, sender: null);
            // Both ways warmed up first, so neither is measured while the JIT is still promoting the code they share.
            Measure(sink, batch, gzip: false, settings.BulkMaxBytes, iterations);
            Measure(sink, batch, gzip: true, settings.BulkMaxBytes, iterations);
            foreach (var gzip in new[] { false, true })
            {
                var (median, ndjson, wire, requests, documents, aggregates) = Measure(sink, batch, gzip, settings.BulkMaxBytes, iterations);
                json.WriteStartObject(gzip ? "gzip" : "plain");
                json.WriteNumber("documents", documents);
                json.WriteNumber("aggregates", aggregates);
                json.WriteNumber("medianMs", Math.Round(median, 2));
                json.WriteNumber("eventMBps", Math.Round(payload.Length / 1e6 / (median / 1000), 1));
                json.WriteNumber("ndjsonMBps", Math.Round(ndjson / 1e6 / (median / 1000), 1));
                json.WriteNumber("ndjsonBytes", ndjson);
                json.WriteNumber("wireBytes", wire);
                json.WriteNumber("requests", requests);
                json.WriteEndObject();
            }
            if (Option(args, "--aot") is { } aot)
            {
                var (peak, line) = await PeakRssAsync([aot], payload);
                json.WriteNumber("aotPeakRssMiB", Math.Round(peak / 1024.0, 1));
                json.WritePropertyName("aotForwardedLine");
                json.WriteRawValue(line);
            }
            json.WriteEndObject();
        }
        Console.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        return 0;
    }

    /// <summary>Median time to build every item, cut the requests and make each body as sent (compressed or not).</summary>
    private static (double MedianMs, long Ndjson, long Wire, int Requests, int Documents, int Aggregates) Measure(
        ForwardSink sink, ParsedBatch batch, bool gzip, long maxBytes, int iterations)
    {
        var samples = new List<double>();
        long ndjson = 0, wire = 0;
        int requests = 0, documents = 0, aggregates = 0;
        for (var i = -3; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            using var items = sink.Build(batch, out documents, out aggregates);
            ndjson = wire = requests = 0;
            foreach (var request in BulkSender.Cut(items.Items, maxBytes))
            {
                using var body = BulkSender.Body(items, request);
                ndjson += body.Length;
                requests++;
                if (gzip)
                {
                    using var compressed = OpenSearchClient.Compress(body.WrittenSpan);
                    wire += compressed.Length;
                }
                else
                {
                    wire += body.Length;
                }
            }
            clock.Stop();
            if (i >= 0)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        samples.Sort();
        return (samples[samples.Count / 2], ndjson, wire, requests, documents, aggregates);
    }

    private static async Task<ParsedBatch> ParseAsync(byte[] payload, RuleSet rules)
    {
        var kafka = KafkaEventDecoder.Decode(payload);
        var logs = new List<LogRecord>(kafka.Records.Count);
        var parser = new LogRecordParser();
        foreach (var record in kafka.Records)
        {
            parser.Parse(record, logs);
        }
        var engine = new RuleEngine(rules, new InMemoryRuleStateStore(), TimeProvider.System, DecisionScope.ForFunction(LogForwarderFunction.LogicalId), dryRun: false);
        var evaluation = await engine.EvaluateAsync(logs, new Invocation("bench", TimeProvider.System.GetUtcNow().AddMinutes(5)), CancellationToken.None);
        return new ParsedBatch(kafka, logs, evaluation);
    }

    private static FunctionServices Services(RuleSet rules) => new(
        new FunctionSettings(LogForwarderFunction.LogicalId, ReportBatchItemFailures: true, DryRun: false, LogSeverity.Error, "rules.yaml"),
        rules, new JsonLog(TextWriter.Null, TimeProvider.System), FunctionSecrets.None,
        new ActionLedger(new InMemoryRuleStateStore(), TimeProvider.System), TimeProvider.System);

    /// <summary>VmHWM of the bootstrap after it forwarded the batch to a loopback OpenSearch (signed, gzip, aggregates on).</summary>
    private static async Task<(long PeakKib, string Line)> PeakRssAsync(string[] command, byte[] payload)
    {
        await using var server = await FakeOpenSearch.StartAsync();
        server.SigV4 = new SigV4Verifier("AKIDEXAMPLE", "bench-secret", "eu-west-1", "es");
        await using var api = await FakeLambdaRuntimeApi.StartAsync();
        var outcome = api.Enqueue(new FakeInvocation(payload) { Deadline = TimeProvider.System.GetUtcNow().AddMinutes(5) });
        var start = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.RuntimeApiAddress;
        start.Environment["LOG_LEVEL"] = "info";
        start.Environment[FunctionSettings.DryRunVariable] = "false";
        start.Environment[FunctionSettings.ReportBatchItemFailuresVariable] = "true";
        start.Environment[ForwarderOptions.EndpointVariable] = server.Endpoint.ToString();
        start.Environment["AWS_REGION"] = "eu-west-1";
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "bench-secret";
        using var process = Process.Start(start)!;
        var forwarded = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("\"forwarded\"", StringComparison.Ordinal) == true)
            {
                forwarded.TrySetResult(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var result = await outcome.WaitAsync(TimeSpan.FromSeconds(120));
        var line = await forwarded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var status = await File.ReadAllLinesAsync($"/proc/{process.Id}/status");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        if (result.IsError)
        {
            throw new InvalidOperationException("invocation failed: " + System.Text.Encoding.UTF8.GetString(result.Body));
        }
        if (server.Violations.Count > 0)
        {
            throw new InvalidOperationException("the test server refused: " + string.Join("; ", server.Violations));
        }
        var hwm = status.Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return (long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture), line);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
