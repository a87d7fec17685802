using System.Text.Json;
using Automation.Testing;
using Json.Schema;

namespace Automation.Functions.Tests.Metrics;

/// <summary>
/// Checks log lines against the Embedded Metric Format specification: the structural rules through the JSON schema in
/// tests/fixtures/emf (see its NOTICE.md), then the rules that relate members to each other, which a schema cannot say.
/// </summary>
internal static class EmfSpecification
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Fixtures.PathOf("emf", "emf.schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>The embedded-metric lines of a log (the lines with an _aws member), each checked; a violation fails the test.</summary>
    public static List<EmfLine> Lines(string log)
    {
        var lines = new List<EmfLine>();
        foreach (var text in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = JsonDocument.Parse(text);
            if (!document.RootElement.TryGetProperty("_aws", out _))
            {
                continue;
            }
            var problems = Problems(document.RootElement);
            Assert.True(problems.Count == 0, $"not a valid EMF line: {string.Join("; ", problems)}\n{text}");
            lines.Add(EmfLine.From(document.RootElement));
        }
        return lines;
    }

    /// <summary>Every way the document breaks the specification; empty when it is valid.</summary>
    public static List<string> Problems(JsonElement root)
    {
        var problems = new List<string>();
        var result = Schema.Value.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            problems.AddRange((result.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
            if (problems.Count == 0)
            {
                problems.Add("the schema refuses it");
            }
            return problems;
        }

        foreach (var directive in root.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray())
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var definition in directive.GetProperty("Metrics").EnumerateArray())
            {
                var name = definition.GetProperty("Name").GetString()!;
                if (!names.Add(name))
                {
                    problems.Add($"metric {name} is defined twice");
                }
                // A metric target is a number or an array of at most 100 numbers, on the root, never nested.
                if (!root.TryGetProperty(name, out var target))
                {
                    problems.Add($"metric {name} has no member on the root");
                }
                else if (target.ValueKind == JsonValueKind.Array
                    ? target.GetArrayLength() > 100 || target.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number)
                    : target.ValueKind != JsonValueKind.Number)
                {
                    problems.Add($"metric {name} is not a number or an array of at most 100 numbers");
                }
            }
            foreach (var key in directive.GetProperty("Dimensions").EnumerateArray().SelectMany(set => set.EnumerateArray()).Select(k => k.GetString()!))
            {
                // A dimension target is a string; CloudWatch takes non-blank ASCII without control characters.
                if (!root.TryGetProperty(key, out var target) || target.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"dimension {key} has no string member on the root");
                }
                else if (target.GetString() is not { } value || string.IsNullOrWhiteSpace(value) || value.Any(c => !char.IsAscii(c) || char.IsControl(c)))
                {
                    problems.Add($"dimension {key} has a value CloudWatch refuses");
                }
                if (names.Contains(key))
                {
                    problems.Add($"{key} is both a metric and a dimension");
                }
            }
        }
        return problems;
    }
}
