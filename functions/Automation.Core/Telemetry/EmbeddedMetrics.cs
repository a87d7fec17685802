using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Automation.Core.Telemetry;

/// <summary>
/// Writes CloudWatch Embedded Metric Format lines by hand (no Powertools): one JSON object per line with an
/// <c>_aws</c> metadata object (Timestamp in epoch milliseconds, one metric directive naming the namespace, the
/// dimension sets and each metric's name and unit), the dimension values as top-level strings and the metric values as
/// top-level numbers, after the time, level and message every log line has. In Lambda, CloudWatch Logs extracts the metrics from the function's log group; nothing is called.
/// </summary>
public sealed class EmbeddedMetrics
{
    /// <summary>The specification's limit of metric definitions per directive: more values are split over several lines.</summary>
    internal const int MaxMetricsPerLine = 100;

    /// <summary>The specification's limit of dimension keys per dimension set.</summary>
    internal const int MaxDimensionsPerSet = 30;

    // CloudWatch takes dimension values of at most 1,024 ASCII characters; ours are ids, far shorter.
    private const int MaxDimensionValueLength = 255;

    private readonly TextWriter? _output;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <param name="output">Where the lines go: the same stream as the function's log (stderr in Lambda), so they reach its log group.</param>
    /// <param name="namespace">The CloudWatch namespace (<see cref="MetricsOptions"/>).</param>
    /// <param name="function">The Function dimension of every line: the template's logical id.</param>
    public EmbeddedMetrics(TextWriter output, TimeProvider time, string @namespace, string function)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _time = time;
        Namespace = @namespace;
        Function = function;
    }

    private EmbeddedMetrics()
    {
        _time = TimeProvider.System;
        Namespace = MetricsOptions.DefaultNamespace;
        Function = "none";
    }

    /// <summary>Writes nothing: for sinks built without metrics (tests, tools).</summary>
    public static EmbeddedMetrics None { get; } = new();

    public string Namespace { get; }

    public string Function { get; }

    /// <summary>
    /// Writes <paramref name="metrics"/> with the dimensions Function + <paramref name="dimensions"/>; with
    /// <paramref name="rollups"/>, also under Function + each listed subset of those dimensions (so one line counts both
    /// per action type and per outcome). More than 100 metrics become several lines.
    /// </summary>
    /// <exception cref="ArgumentException">A metric or dimension name is repeated, or a rollup names a dimension not given (a bug, not data).</exception>
    public void Write(IReadOnlyList<MetricDimension> dimensions, IReadOnlyList<MetricValue> metrics, IReadOnlyList<IReadOnlyList<string>>? rollups = null)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(metrics);
        var sets = DimensionSets(dimensions, rollups ?? []);
        CheckNames(dimensions, metrics);
        if (_output is null || metrics.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        for (var start = 0; start < metrics.Count; start += MaxMetricsPerLine)
        {
            var line = Line(now, sets, dimensions, metrics, start, Math.Min(MaxMetricsPerLine, metrics.Count - start));
            lock (_gate)
            {
                _output.WriteLine(line);
                _output.Flush();
            }
        }
    }

    /// <summary>Write with no dimension but Function.</summary>
    public void Write(IReadOnlyList<MetricValue> metrics) => Write([], metrics);

    private string Line(DateTimeOffset now, List<List<string>> sets, IReadOnlyList<MetricDimension> dimensions, IReadOnlyList<MetricValue> metrics, int start, int count)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            // The same leading fields as every JsonLog line, so log queries and readers treat all lines alike.
            json.WriteString("time", now);
            json.WriteString("level", "info");
            json.WriteString("message", "metrics");
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            foreach (var set in sets)
            {
                json.WriteStartArray();
                foreach (var name in set)
                {
                    json.WriteStringValue(name);
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            for (var i = start; i < start + count; i++)
            {
                json.WriteStartObject();
                json.WriteString("Name", metrics[i].Name);
                json.WriteString("Unit", UnitName(metrics[i].Unit));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteString(MetricNames.Function, DimensionValue(Function));
            foreach (var dimension in dimensions)
            {
                json.WriteString(dimension.Name, DimensionValue(dimension.Value));
            }
            for (var i = start; i < start + count; i++)
            {
                // A NaN or infinity is not a JSON number; CloudWatch would drop the whole line.
                json.WriteNumber(metrics[i].Name, double.IsFinite(metrics[i].Value) ? metrics[i].Value : 0);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Function + all dimensions first, then the rollups, each led by Function.</summary>
    private static List<List<string>> DimensionSets(IReadOnlyList<MetricDimension> dimensions, IReadOnlyList<IReadOnlyList<string>> rollups)
    {
        var all = new List<string> { MetricNames.Function };
        all.AddRange(dimensions.Select(d => d.Name));
        var sets = new List<List<string>> { all };
        foreach (var rollup in rollups)
        {
            var unknown = rollup.FirstOrDefault(name => !all.Contains(name, StringComparer.Ordinal) || name == MetricNames.Function);
            if (unknown is not null)
            {
                throw new ArgumentException($"the rollup names {unknown}, which is not one of this line's own dimensions", nameof(rollups));
            }
            sets.Add([MetricNames.Function, .. rollup]);
        }
        if (all.Count > MaxDimensionsPerSet)
        {
            throw new ArgumentException($"at most {MaxDimensionsPerSet} dimensions per set", nameof(dimensions));
        }
        return sets;
    }

    // Every name is a member of the same JSON object: a repeated one would make the line ambiguous.
    private static void CheckNames(IReadOnlyList<MetricDimension> dimensions, IReadOnlyList<MetricValue> metrics)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "time", "level", "message", "_aws", MetricNames.Function };
        foreach (var name in dimensions.Select(d => d.Name).Concat(metrics.Select(m => m.Name)))
        {
            if (string.IsNullOrEmpty(name) || !names.Add(name))
            {
                throw new ArgumentException($"metric or dimension name '{name}' is empty or used twice on one line", nameof(metrics));
            }
        }
    }

    /// <summary>CloudWatch dimension values are non-blank printable ASCII; ours are ids, but a bad one must not cost the line.</summary>
    private static string DimensionValue(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "none";
        }
        var cut = value.Length > MaxDimensionValueLength ? value[..MaxDimensionValueLength] : value;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAscii(source[i]) && !char.IsControl(source[i]) ? source[i] : '_';
            }
        });
    }

    private static string UnitName(MetricUnit unit) => unit switch
    {
        MetricUnit.Milliseconds => "Milliseconds",
        _ => "Count",
    };
}
