using System.Globalization;
using Automation.Testing;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Automation.Benchmarks;

/// <summary>
/// decode                          BenchmarkDotNet: decode / decode+parse of a 6 MB Fluent Bit batch (JIT)
/// coldstart --aot BOOTSTRAP --jit DLL [--runs N]   AOT vs JIT cold start, in one run
/// rss --aot BOOTSTRAP --jit DLL   peak RSS of each while handling the 6 MB batch
/// state-calls                     DynamoDB calls per batch (10,000 records, 50 rules, 20 groups) against moto
/// forward [--iterations N] [--aot BOOTSTRAP]   LogForwarder bulk bodies from the 6 MB batch, with and without gzip;
///                                 with --aot, the bootstrap's peak RSS forwarding it to a loopback OpenSearch
/// rules [--iterations N] [--warmup N] [--python CMD|none]   rules matching: floor, engine, naive, Python (one JSON object;
///                                 the harness is Automation.RulesBench, which also publishes with Native AOT)
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var command = args.FirstOrDefault();
        switch (command)
        {
            case "decode":
                var summary = BenchmarkRunner.Run<DecodeBenchmarks>(DefaultConfig.Instance, args[1..]);
                var size = FluentBitSamples.SixMegabyteEvent();
                var records = Automation.Core.Kafka.KafkaEventDecoder.Decode(size).Records.Count;
                foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
                {
                    var seconds = report.ResultStatistics!.Mean / 1e9;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}: {seconds * 1000:F2} ms per {size.Length / 1e6:F2} MB event of {records} records = {records / seconds:N0} records/s, {size.Length / 1e6 / seconds:F0} MB/s"));
                }
                return 0;

            case "coldstart":
            {
                var runs = int.Parse(Option(args, "--runs") ?? "20", CultureInfo.InvariantCulture);
                var small = Automation.Core.Kafka.KafkaEventWriter.Write(FluentBitSamples.Records(2_000));
                foreach (var (name, cmd) in Commands(args))
                {
                    await ProcessMeasurements.ColdStartsAsync(cmd, small, 2); // warm the file cache
                    var samples = await ProcessMeasurements.ColdStartsAsync(cmd, small, runs);
                    samples.Sort();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name}: cold start to first response over {runs} runs: median {samples[runs / 2]:F1} ms, p90 {samples[(int)(runs * 0.9)]:F1} ms, min {samples[0]:F1} ms"));
                }
                return 0;
            }

            case "rss":
            {
                var big = FluentBitSamples.SixMegabyteEvent();
                foreach (var (name, cmd) in Commands(args))
                {
                    var (peak, line) = await ProcessMeasurements.PeakRssAsync(cmd, big);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: peak RSS {peak / 1024.0:F1} MiB for a {big.Length / 1e6:F2} MB event; summary: {line}"));
                }
                return 0;
            }

            case "rules":
                return await Automation.RulesBench.RulesBenchmark.RunAsync(args);

            case "state-calls":
                return await StateCallsMeasurement.RunAsync();

            case "forward":
                return await ForwardMeasurement.RunAsync(args);

            default:
                Console.Error.WriteLine("usage: decode | coldstart --aot BOOTSTRAP --jit DLL [--runs N] | rss --aot BOOTSTRAP --jit DLL | rules [--iterations N] [--warmup N] [--python CMD|none] | state-calls | forward [--iterations N] [--aot BOOTSTRAP]");
                return 2;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static IEnumerable<(string Name, string[] Command)> Commands(string[] args)
    {
        if (Option(args, "--aot") is { } aot)
        {
            yield return ("AOT bootstrap", [aot]);
        }
        if (Option(args, "--jit") is { } jit)
        {
            yield return ("JIT (dotnet " + Path.GetFileName(jit) + ")", ["dotnet", jit]);
        }
    }
}
