using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Automation.Core.Kafka;
using Automation.Core.Logs;
using Automation.Core.Rules.Matching;

namespace Automation.RulesBench;

/// <summary>
/// The rules matching benchmark: one 6 MB MSK event, 50 rules, measured in one run on one thread:
/// <list type="bullet">
/// <item>floor: decode + parse, no rules;</item>
/// <item>engine: decode + parse + <see cref="RuleMatcher.Match"/>;</item>
/// <item>naive: decode + parse + every rule as one Regex run on every record's message;</item>
/// <item>match_only, naive_match_only, naive_ignore_case_match_only: the matching step alone on parsed records
///   (the last with every regex case-insensitive, for timing only);</item>
/// <item>python: Python's <c>re</c> doing the same rules on the same messages (bench/python/match_rules.py, only its
///   matching loop is timed);</item>
/// <item>python_pipeline: the same script as a Python Lambda handler's whole body on the same event bytes: json.loads,
///   base64, read each value (Fluent Bit record, application JSON in <c>log</c>, plain text), match.</item>
/// </list>
/// Each is warmed up, then timed over several iterations; the median counts. Prints one JSON object.
/// </summary>
public static class RulesBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = args.FirstOrDefault() ?? "rules";
        if (command == "yaml")
        {
            Console.Out.Write(RulesYaml.Write(BenchRules.All50));
            return 0;
        }
        if (command != "rules")
        {
            await Console.Error.WriteLineAsync("usage: rules [--iterations N] [--warmup N] [--python CMD|none] [--script match_rules.py] | yaml");
            return 2;
        }

        var iterations = int.Parse(Option(args, "--iterations") ?? "15", CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup") ?? "30", CultureInfo.InvariantCulture);
        var python = Option(args, "--python") ?? "python3";

        var payload = RulesCorpus.SixMegabyteEvent();
        var rules = BenchRules.RuleSet;
        var matcher = RuleMatcher.Compile(rules);
        var naive = BenchRules.All50.Select(rule => NaiveRule.From(rule.Id, rule.Match)).ToArray();
        var parser = new LogRecordParser();
        var logs = new List<LogRecord>(8192);
        var matches = new BatchMatches(rules.Rules.Count);
        var naiveCounts = new int[naive.Length];
        // Every rule's regex case-insensitive, as rules written "to be safe" often are (other counts; timing only).
        var naiveIgnoreCase = BenchRules.All50.Select(rule => NaiveRule.From(rule.Id, rule.Match, ignoreCase: true)).ToArray();
        var ignoreCaseCounts = new int[naive.Length];

        var kafkaRecords = DecodeAndParse(payload, parser, logs);
        var recordCount = logs.Count;

        // Round-robin, so load from elsewhere on the machine spreads evenly over the variants.
        var timings = Measure(warmup, iterations,
            () => DecodeAndParse(payload, parser, logs),
            () =>
            {
                DecodeAndParse(payload, parser, logs);
                matcher.Match(logs, matches);
            },
            () => matcher.Match(logs, matches),
            () =>
            {
                DecodeAndParse(payload, parser, logs);
                NaiveMatch(naive, logs, naiveCounts);
            },
            () => NaiveMatch(naive, logs, naiveCounts),
            () => NaiveMatch(naiveIgnoreCase, logs, ignoreCaseCounts));
        var (floor, engine, matchOnly, naiveTime, naiveMatchOnly, ignoreCaseMatchOnly) =
            (timings[0], timings[1], timings[2], timings[3], timings[4], timings[5]);

        var engineCounts = Enumerable.Range(0, rules.Rules.Count).Select(rule => matches.RecordsOf(rule).Count).ToArray();
        var matchedRecords = Enumerable.Range(0, rules.Rules.Count).SelectMany(matches.RecordsOf).Distinct().Count();
        var pythonResult = python == "none" ? null : await RunPythonAsync(python, Option(args, "--script"), naive, logs, payload, Math.Min(iterations, 5));

        using var output = Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("runtime", RuntimeFeature.IsDynamicCodeCompiled ? "jit" : "native-aot");
        json.WriteString("framework", RuntimeInformation.FrameworkDescription);
        json.WriteString("cpu", RuntimeInformation.ProcessArchitecture.ToString());
        json.WriteNumber("iterations", iterations);
        json.WriteNumber("warmup", warmup);
        json.WriteString("timing", "median over the iterations; ms, mb_per_s, records_per_s and ratios from this thread's CPU time, wall_ms alongside");
        json.WriteStartObject("corpus");
        json.WriteNumber("event_bytes", payload.Length);
        json.WriteNumber("kafka_records", kafkaRecords);
        json.WriteNumber("log_records", recordCount);
        json.WriteNumber("json_records", logs.Count(log => log.Format == LogFormat.Json));
        json.WriteNumber("text_records", logs.Count(log => log.Format == LogFormat.Text));
        json.WriteNumber("message_chars", logs.Sum(log => (long)log.Message.Length));
        json.WriteNumber("rules", rules.Rules.Count);
        json.WriteNumber("prefilter_literals", matcher.PrefilterLiterals.Count);
        json.WriteNumber("rules_on_every_record", Enumerable.Range(0, rules.Rules.Count).Count(rule => matcher.RequiredLiteralsOf(rule) is null));
        json.WriteNumber("matched_records", matchedRecords);
        json.WriteNumber("matched_fraction", Math.Round((double)matchedRecords / recordCount, 4));
        json.WriteEndObject();

        Timing(json, "floor", floor, payload.Length, recordCount);
        Timing(json, "engine", engine, payload.Length, recordCount);
        Timing(json, "match_only", matchOnly, payload.Length, recordCount);
        Timing(json, "naive", naiveTime, payload.Length, recordCount);
        Timing(json, "naive_match_only", naiveMatchOnly, payload.Length, recordCount);
        Timing(json, "naive_ignore_case_match_only", ignoreCaseMatchOnly, payload.Length, recordCount);
        if (pythonResult is { } py)
        {
            Timing(json, "python", new Sample(py.WallSeconds, py.Seconds), payload.Length, recordCount);
            Timing(json, "python_pipeline", new Sample(py.Pipeline.WallSeconds, py.Pipeline.Seconds), payload.Length, recordCount);
        }

        json.WriteStartObject("ratios");
        // Throughput ratios: engine MB/s over the other's MB/s (>1 means the engine is faster).
        json.WriteNumber("engine_floor", Math.Round(floor.Cpu / engine.Cpu, 3));
        json.WriteNumber("engine_naive", Math.Round(naiveTime.Cpu / engine.Cpu, 2));
        if (pythonResult is { } p)
        {
            json.WriteNumber("engine_python", Math.Round(p.Seconds / engine.Cpu, 2));
            json.WriteNumber("engine_python_pipeline", Math.Round(p.Pipeline.Seconds / engine.Cpu, 2));
        }
        // The matching step alone (records already parsed): what the prefilter buys.
        json.WriteNumber("match_engine_naive", Math.Round(naiveMatchOnly.Cpu / matchOnly.Cpu, 2));
        json.WriteNumber("match_engine_naive_ignore_case", Math.Round(ignoreCaseMatchOnly.Cpu / matchOnly.Cpu, 2));
        if (pythonResult is { } pm)
        {
            json.WriteNumber("match_engine_python", Math.Round(pm.Seconds / matchOnly.Cpu, 2));
        }
        json.WriteEndObject();

        json.WriteBoolean("agree", engineCounts.SequenceEqual(naiveCounts));
        if (pythonResult is { } q)
        {
            json.WriteBoolean("python_agree", engineCounts.SequenceEqual(naive.Select(rule => q.Counts.GetValueOrDefault(rule.Id, -1))));
            var pipelineCounts = naive.Select(rule => q.Pipeline.Counts.GetValueOrDefault(rule.Id, -1)).ToArray();
            json.WriteBoolean("python_pipeline_agree", engineCounts.SequenceEqual(pipelineCounts) && q.Pipeline.LogRecords == recordCount);
            json.WriteNumber("python_pipeline_log_records", q.Pipeline.LogRecords);
            json.WriteStartObject("python_pipeline_matches");
            for (var rule = 0; rule < naive.Length; rule++)
            {
                json.WriteNumber(naive[rule].Id, pipelineCounts[rule]);
            }
            json.WriteEndObject();
            json.WriteString("python_version", q.Version);
        }
        json.WriteStartObject("matches");
        for (var rule = 0; rule < rules.Rules.Count; rule++)
        {
            json.WriteNumber(rules.Rules[rule].Id, engineCounts[rule]);
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
        return 0;
    }

    private static int DecodeAndParse(byte[] payload, LogRecordParser parser, List<LogRecord> logs)
    {
        var batch = KafkaEventDecoder.Decode(payload);
        logs.Clear();
        foreach (var record in batch.Records)
        {
            parser.Parse(record, logs);
        }
        return batch.Records.Count;
    }

    private static void NaiveMatch(NaiveRule[] rules, List<LogRecord> logs, int[] counts)
    {
        Array.Clear(counts);
        foreach (var log in logs)
        {
            for (var rule = 0; rule < rules.Length; rule++)
            {
                if (rules[rule].IsMatch(log))
                {
                    counts[rule]++;
                }
            }
        }
    }

    /// <summary>
    /// Runs each variant <paramref name="warmup"/> times untimed, then <paramref name="iterations"/> rounds of every
    /// variant in turn; per variant the median wall time and the median CPU time of this thread.
    /// </summary>
    private static Sample[] Measure(int warmup, int iterations, params Action[] variants)
    {
        foreach (var run in variants)
        {
            for (var i = 0; i < warmup; i++)
            {
                run();
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var wall = variants.Select(_ => new double[iterations]).ToArray();
        var cpu = variants.Select(_ => new double[iterations]).ToArray();
        for (var i = 0; i < iterations; i++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var cpuStart = ThreadCpuTime.Seconds();
                var start = Stopwatch.GetTimestamp();
                variants[v]();
                wall[v][i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                cpu[v][i] = ThreadCpuTime.Seconds() - cpuStart;
            }
        }
        return [.. Enumerable.Range(0, variants.Length).Select(v => new Sample(Median(wall[v]), Median(cpu[v])))];
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    /// <summary>Median wall-clock and thread CPU seconds of one variant.</summary>
    private readonly record struct Sample(double Wall, double Cpu);

    /// <summary>Throughput from CPU time (robust when other work shares the machine); wall time alongside.</summary>
    private static void Timing(Utf8JsonWriter json, string name, Sample sample, int bytes, int records)
    {
        json.WriteStartObject(name);
        json.WriteNumber("ms", Math.Round(sample.Cpu * 1000, 3));
        json.WriteNumber("wall_ms", Math.Round(sample.Wall * 1000, 3));
        json.WriteNumber("mb_per_s", Math.Round(bytes / 1e6 / sample.Cpu, 1));
        json.WriteNumber("records_per_s", Math.Round(records / sample.Cpu));
        json.WriteEndObject();
    }

    /// <param name="Seconds">Median thread CPU time of the matching loop.</param>
    private sealed record PythonResult(double Seconds, double WallSeconds, Dictionary<string, int> Counts, string Version, PythonPipeline Pipeline);

    /// <param name="Seconds">Median thread CPU time of the whole handler body, from the event's bytes.</param>
    private sealed record PythonPipeline(double Seconds, double WallSeconds, int LogRecords, Dictionary<string, int> Counts);

    /// <summary>
    /// Hands the rules (the naive patterns and field lists) and each record's message, namespace and level to
    /// match_rules.py through a temporary file, and the event itself through another; it times its matching loop alone
    /// and its whole handler on the event, and prints JSON.
    /// </summary>
    private static async Task<PythonResult?> RunPythonAsync(string python, string? script, NaiveRule[] rules, List<LogRecord> logs,
        byte[] payload, int iterations)
    {
        script ??= FindScript();
        if (script is null)
        {
            await Console.Error.WriteLineAsync("bench/python/match_rules.py not found (pass --script); skipping Python");
            return null;
        }
        var input = Path.Combine(Path.GetTempPath(), $"rules-bench-{Environment.ProcessId}.json");
        var eventFile = Path.Combine(Path.GetTempPath(), $"rules-bench-{Environment.ProcessId}-event.json");
        try
        {
            await File.WriteAllBytesAsync(eventFile, payload);
            await using (var file = File.Create(input))
            await using (var json = new Utf8JsonWriter(file))
            {
                json.WriteStartObject();
                json.WriteStartArray("rules");
                foreach (var rule in rules)
                {
                    json.WriteStartObject();
                    json.WriteString("id", rule.Id);
                    json.WriteString("regex", rule.Pattern);
                    json.WriteStartArray("fields");
                    foreach (var (path, values) in rule.Fields)
                    {
                        json.WriteStartObject();
                        json.WriteString("field", path.Text == "level" ? "level" : "namespace");
                        json.WriteStartArray("in");
                        foreach (var value in values)
                        {
                            json.WriteStringValue(value);
                        }
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("records");
                var ns = FieldPath.Parse("kubernetes.namespace_name");
                foreach (var log in logs)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(log.Message);
                    json.WriteStringValue(log.Fields[ns]);
                    json.WriteStringValue(log.Level);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }

            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { script, input, "--event", eventFile, "--iterations", iterations.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync($"{python} {script} failed ({process.ExitCode}): {await stderr}");
                return null;
            }
            using var result = JsonDocument.Parse(await stdout);
            var root = result.RootElement;
            var pipeline = root.GetProperty("pipeline");
            return new PythonResult(root.GetProperty("cpu_seconds").GetDouble(), root.GetProperty("wall_seconds").GetDouble(), Counts(root),
                root.GetProperty("python").GetString() ?? "",
                new PythonPipeline(pipeline.GetProperty("cpu_seconds").GetDouble(), pipeline.GetProperty("wall_seconds").GetDouble(),
                    pipeline.GetProperty("log_records").GetInt32(), Counts(pipeline)));
        }
        finally
        {
            File.Delete(input);
            File.Delete(eventFile);
        }

        static Dictionary<string, int> Counts(JsonElement result) =>
            result.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
    }

    /// <summary>bench/python/match_rules.py above the working directory or the executable.</summary>
    private static string? FindScript()
    {
        foreach (var origin in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "python", "match_rules.py");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
