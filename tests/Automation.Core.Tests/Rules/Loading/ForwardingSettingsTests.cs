using System.Text.Json;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.Testing;
using static Automation.Core.Tests.Rules.Loading.RulesText;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>The forwarding: section: defaults, every key, and each problem at its place.</summary>
public sealed class ForwardingSettingsTests
{
    private const string Head = "version: 1\nrules:\n  - id: noise\n    match: { contains: healthz }\n";

    [Fact]
    public void Without_the_section_the_forwarder_uses_the_defaults()
    {
        Assert.Null(Load(Head).Forwarding);
        var defaults = ForwardingSettings.Default;
        Assert.True(defaults.AllRecords);
        Assert.Equal("logs-%{yyyy.MM.dd}", defaults.Index!.Text);
        Assert.Equal(5 * 1024 * 1024, defaults.BulkMaxBytes);
        Assert.True(defaults.Gzip);
        Assert.True(defaults.Aggregates);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Load(Head + """
            forwarding:
              records: matched
              drop: [noise]
              index: app-%{yyyy.MM}
              dead_letter_index: dlq
              aggregates: { enabled: false, index: "agg-%{yyyy}", samples: 5 }
              bulk: { max_bytes: 512KiB, gzip: false }
            """).Forwarding!;
        Assert.False(settings.AllRecords);
        Assert.Equal(["noise"], settings.Drop);
        Assert.Equal("app-2026.03", settings.Index!.Resolve(new DateTimeOffset(2026, 3, 14, 23, 59, 0, TimeSpan.FromHours(-5))));
        Assert.Equal("dlq", settings.DeadLetterIndex.Resolve(DateTimeOffset.UnixEpoch));
        Assert.False(settings.Aggregates);
        Assert.Equal("agg-2026", settings.AggregatesIndex.Resolve(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(5, settings.Samples);
        Assert.Equal(512 * 1024, settings.BulkMaxBytes);
        Assert.False(settings.Gzip);
        Assert.Null(settings.DataStream);
    }

    [Fact]
    public void The_audit_index_defaults_to_automation_audit_and_may_be_a_date_pattern()
    {
        Assert.Equal("automation-audit", ForwardingSettings.Default.AuditIndex.Resolve(DateTimeOffset.UnixEpoch));
        Assert.Same(ForwardingSettings.DefaultAuditIndex, Load(Head + "forwarding:\n  records: all\n").Forwarding!.AuditIndex);

        // The line's UTC date: 23:00 at -02:00 on 30 November is December in UTC.
        var settings = Load(Head + "forwarding:\n  audit_index: audit-%{yyyy.MM}\n").Forwarding!;

        Assert.Equal("audit-2026.12", settings.AuditIndex.Resolve(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.FromHours(-2))));
        Assert.Equal("logs-%{yyyy.MM.dd}", settings.Index!.Text);
    }

    [Fact]
    public void A_data_stream_replaces_the_index()
    {
        var settings = Load(Head + "forwarding:\n  data_stream: logs-k8s\n  bulk: { max_bytes: 2097152 }\n").Forwarding!;
        Assert.Null(settings.Index);
        Assert.Equal("logs-k8s", settings.DataStream);
        Assert.Equal(2 * 1024 * 1024, settings.BulkMaxBytes);
    }

    [Fact]
    public void Date_parts_take_the_records_utc_date_and_one_letter_parts_are_not_standard_formats()
    {
        var pattern = IndexPattern.Parse("x-%{d}-%{H}");
        Assert.Equal("x-5-3", pattern.Resolve(new DateTimeOffset(2026, 3, 5, 3, 0, 0, TimeSpan.Zero)));
        Assert.False(pattern.IsFixed);
    }

    [Theory]
    [InlineData("  records: some\n", 6, 12, "forwarding records must be all")]
    [InlineData("  drop: [nope]\n", 6, 10, "forwarding drop names rule 'nope'")]
    [InlineData("  index: Logs\n", 6, 10, "'L' at offset 0 is not allowed")]
    [InlineData("  index: logs-%{yyyy.MM.dd\n", 6, 10, "has no closing")]
    [InlineData("  index: logs-%{ww}\n", 6, 10, "may only use y, M, d, H")]
    [InlineData("  index: _logs\n", 6, 10, "nor start with - _ +")]
    [InlineData("  index: a\n  data_stream: b\n", 7, 3, "index: or data_stream:, not both")]
    [InlineData("  data_stream: logs-%{yyyy}\n", 6, 16, "takes no %{date} part")]
    [InlineData("  aggregates: { samples: 21 }\n", 6, 26, "a whole number from 0 to 20")]
    [InlineData("  aggregates: { enabled: yes }\n", 6, 26, "true or false")]
    [InlineData("  bulk: { max_bytes: 5GiB }\n", 6, 22, "a size from 1KiB to 100MiB")]
    [InlineData("  bulk: { max_bytes: 512 }\n", 6, 22, "a size from 1KiB")]
    [InlineData("  bulk: { zip: true }\n", 6, 11, "unknown key 'zip' in forwarding bulk:")]
    [InlineData("  aggregate: {}\n", 6, 3, "did you mean 'aggregates'?")]
    [InlineData("  audit_index: Audit\n", 6, 16, "forwarding audit_index 'Audit': 'A' at offset 0 is not allowed")]
    [InlineData("  audit_index: [a]\n", 6, 16, "forwarding audit_index")]
    public void Each_problem_is_reported_at_its_place(string lines, int line, int column, string gist)
    {
        SingleProblem(Head + "forwarding:\n" + lines, line, column, gist);
    }

    [Fact]
    public void The_example_in_docs_forwarding_md_loads()
    {
        var doc = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "forwarding.md")).ReplaceLineEndings("\n");
        var start = doc.IndexOf("```yaml\nforwarding:", StringComparison.Ordinal) + "```yaml\n".Length;
        var example = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];

        var settings = Load("version: 1\nrules:\n  - id: healthz-noise\n    match: { contains: healthz }\n" + example).Forwarding!;

        Assert.Equal(["healthz-noise"], settings.Drop);
        Assert.Equal(ForwardingSettings.Default with { Drop = settings.Drop }, settings with { Index = ForwardingSettings.Default.Index, DeadLetterIndex = ForwardingSettings.Default.DeadLetterIndex, AggregatesIndex = ForwardingSettings.Default.AggregatesIndex, AuditIndex = ForwardingSettings.Default.AuditIndex });
        Assert.Equal(ForwardingSettings.Default.Index!.Text, settings.Index!.Text);
        Assert.Equal(ForwardingSettings.Default.AggregatesIndex.Text, settings.AggregatesIndex.Text);
        Assert.Equal(ForwardingSettings.Default.AuditIndex.Text, settings.AuditIndex.Text);
    }

    [Fact]
    public void The_schema_lists_the_same_keys()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "rules.schema.json")));
        var forwarding = schema.RootElement.GetProperty("properties").GetProperty("forwarding");
        Assert.Equal(RulesReader.ForwardingKeys.Order(StringComparer.Ordinal), Keys(forwarding));
        Assert.Equal(RulesReader.ForwardingAggregatesKeys.Order(StringComparer.Ordinal), Keys(forwarding.GetProperty("properties").GetProperty("aggregates")));
        Assert.Equal(RulesReader.ForwardingBulkKeys.Order(StringComparer.Ordinal), Keys(forwarding.GetProperty("properties").GetProperty("bulk")));
    }

    private static IEnumerable<string> Keys(JsonElement schemaObject) =>
        schemaObject.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
}
