using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Configuration;
using Automation.Core.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Functions.Tests.Metrics;

/// <summary>The EMF writer on its own, the namespace setting, and the checker itself (it must refuse what the specification refuses).</summary>
public sealed class EmbeddedMetricsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _output = new();

    private EmbeddedMetrics Writer() => new(_output, _time, "LogAutomation", "RollbackFunction");

    [Fact]
    public void More_than_100_metrics_are_split_over_lines_that_each_keep_the_limit()
    {
        var metrics = Enumerable.Range(0, 230).Select(i => MetricValue.Count($"M{i:D3}", i)).ToList();

        Writer().Write([new MetricDimension(MetricNames.Rule, "errors")], metrics);

        var lines = EmfSpecification.Lines(_output.ToString());
        Assert.Equal([100, 100, 30], lines.Select(l => l.Metrics.Count));
        Assert.All(lines, l => Assert.Equal("errors", l.Dimension(MetricNames.Rule)));
        var values = lines.SelectMany(l => l.Metrics).ToDictionary(m => m.Key, m => m.Value.Value);
        Assert.Equal(metrics.ToDictionary(m => m.Name, m => m.Value), values);
        Assert.All(lines, l => Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), l.Timestamp));
    }

    [Fact]
    public void Dimension_values_are_made_acceptable_to_CloudWatch_and_odd_numbers_never_break_the_line()
    {
        Writer().Write(
            [new MetricDimension(MetricNames.Rule, "règle\n1"), new MetricDimension(MetricNames.ActionType, "  ")],
            [MetricValue.Count(MetricNames.Actions, double.NaN), MetricValue.Milliseconds(MetricNames.ActionLatency, TimeSpan.FromTicks(12_346))]);

        var line = Assert.Single(EmfSpecification.Lines(_output.ToString()));
        Assert.Equal("r_gle_1", line.Dimension(MetricNames.Rule));
        Assert.Equal("none", line.Dimension(MetricNames.ActionType));
        Assert.Equal(0, line.Value(MetricNames.Actions));
        Assert.Equal(1.235, line.Value(MetricNames.ActionLatency));
        Assert.Equal(["Function,Rule,ActionType"], line.SetNames);
    }

    [Fact]
    public void Lines_carry_the_log_fields_every_other_line_has()
    {
        Writer().Write([MetricValue.Count(MetricNames.RecordsIn, 3)]);

        using var line = JsonDocument.Parse(_output.ToString());
        Assert.Equal("metrics", line.RootElement.GetProperty("message").GetString());
        Assert.Equal("info", line.RootElement.GetProperty("level").GetString());
        Assert.Equal(_time.GetUtcNow(), line.RootElement.GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public void Repeated_names_and_unknown_rollups_are_refused_as_bugs_and_none_writes_nothing()
    {
        var writer = Writer();

        Assert.Throws<ArgumentException>(() => writer.Write([MetricValue.Count("A", 1), MetricValue.Count("A", 2)]));
        Assert.Throws<ArgumentException>(() => writer.Write([new MetricDimension(MetricNames.Function, "x")], [MetricValue.Count("A", 1)]));
        Assert.Throws<ArgumentException>(() => writer.Write([new MetricDimension(MetricNames.Rule, "r")], [MetricValue.Count(MetricNames.Rule, 1)]));
        Assert.Throws<ArgumentException>(() => writer.Write([], [MetricValue.Count("A", 1)], [[MetricNames.Outcome]]));
        Assert.Equal("", _output.ToString());

        EmbeddedMetrics.None.Write([MetricValue.Count("A", 1)]);
        Assert.Equal("", _output.ToString());
    }

    [Theory]
    [InlineData(null, "LogAutomation")]
    [InlineData("  ", "LogAutomation")]
    [InlineData(" Team/Automation:prod ", "Team/Automation:prod")]
    public void The_namespace_comes_from_METRICS_NAMESPACE_or_defaults(string? value, string expected) =>
        Assert.Equal(expected, MetricsOptions.FromEnvironment(name => name == MetricsOptions.NamespaceVariable ? value : null).Namespace);

    [Theory]
    [InlineData("AWS/Lambda")]
    [InlineData("tabs\tare out")]
    [InlineData("émission")]
    public void A_namespace_CloudWatch_would_refuse_fails_INIT(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => MetricsOptions.FromEnvironment(_ => value));
        Assert.Contains(MetricsOptions.NamespaceVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checker_refuses_documents_that_break_the_specification()
    {
        Writer().Write([new MetricDimension(MetricNames.Outcome, "fired")], [MetricValue.Count(MetricNames.Decisions, 2)]);
        var valid = JsonNode.Parse(_output.ToString())!.AsObject();
        Assert.Empty(EmfSpecification.Problems(Parse(valid)));

        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => d["_aws"]!.AsObject().Remove("Timestamp")))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => d["_aws"]!["Timestamp"] = "2026-11-27"))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => Directive(d)["Extra"] = 1))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => Directive(d)["Metrics"]![0]!["Unit"] = "Requests"))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => Directive(d)["Dimensions"] = new JsonArray(
            new JsonArray([.. Enumerable.Range(0, 31).Select(i => (JsonNode)JsonValue.Create($"D{i}"))]))))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => Directive(d)["Metrics"] = new JsonArray(
            [.. Enumerable.Range(0, 101).Select(i => (JsonNode)new JsonObject { ["Name"] = MetricNames.Decisions })])))));
        // The relations a schema cannot say: targets that are missing or of the wrong type.
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => d.Remove(MetricNames.Decisions)))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => d[MetricNames.Decisions] = "2"))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => d[MetricNames.Outcome] = 3))));
        Assert.NotEmpty(EmfSpecification.Problems(Parse(Changed(valid, d => d.Remove(MetricNames.Function)))));
    }

    private static JsonObject Directive(JsonObject document) => document["_aws"]!["CloudWatchMetrics"]![0]!.AsObject();

    private static JsonObject Changed(JsonObject document, Action<JsonObject> change)
    {
        var copy = document.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    private static JsonElement Parse(JsonObject document) => JsonDocument.Parse(document.ToJsonString()).RootElement.Clone();
}
