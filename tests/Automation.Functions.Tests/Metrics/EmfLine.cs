using System.Text.Json;

namespace Automation.Functions.Tests.Metrics;

/// <summary>One embedded-metric line as CloudWatch would read it: its directive, dimension values and metric values.</summary>
internal sealed record EmfLine(
    string Namespace,
    long Timestamp,
    IReadOnlyList<IReadOnlyList<string>> DimensionSets,
    IReadOnlyDictionary<string, string> Dimensions,
    IReadOnlyDictionary<string, (string Unit, double Value)> Metrics)
{
    /// <summary>The value of a dimension of the line's first set (null when the line has no such dimension).</summary>
    public string? Dimension(string name) => Dimensions.GetValueOrDefault(name);

    public double Value(string metric) => Metrics[metric].Value;

    /// <summary>The line's dimension sets as comparable strings, e.g. "Function,Outcome".</summary>
    public IEnumerable<string> SetNames => DimensionSets.Select(set => string.Join(',', set));

    public static EmfLine From(JsonElement root)
    {
        var directive = root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        var sets = directive.GetProperty("Dimensions").EnumerateArray()
            .Select(set => (IReadOnlyList<string>)[.. set.EnumerateArray().Select(k => k.GetString()!)])
            .ToList();
        var dimensions = sets.SelectMany(set => set).Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, name => root.GetProperty(name).GetString()!, StringComparer.Ordinal);
        var metrics = directive.GetProperty("Metrics").EnumerateArray().ToDictionary(
            m => m.GetProperty("Name").GetString()!,
            m => (m.TryGetProperty("Unit", out var unit) ? unit.GetString()! : "None", root.GetProperty(m.GetProperty("Name").GetString()!).GetDouble()),
            StringComparer.Ordinal);
        return new EmfLine(directive.GetProperty("Namespace").GetString()!, root.GetProperty("_aws").GetProperty("Timestamp").GetInt64(), sets, dimensions, metrics);
    }
}
