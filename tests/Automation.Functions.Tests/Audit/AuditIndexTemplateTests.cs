using System.Text.Json;
using Automation.Core.Rules.Settings;
using Automation.Testing;

namespace Automation.Functions.Tests.Audit;

/// <summary>
/// deploy/opensearch/automation-audit.index-template.json cannot drift from the audit lines: it parses, it applies to
/// the default audit index, it maps the fields people filter on as keywords, and every field it maps is a field of the
/// audit-line schema or one the forwarder adds.
/// </summary>
public sealed class AuditIndexTemplateTests
{
    /// <summary>What LogForwarderFunction adds to each line (docs/audit.md).</summary>
    private static readonly string[] AddedByTheForwarder = ["@timestamp", "logGroup", "logStream"];

    private static readonly JsonElement Template =
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "deploy", "opensearch", "automation-audit.index-template.json"))).RootElement;

    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "docs", "schemas", "audit-line.schema.json"))).RootElement;

    [Fact]
    public void It_applies_to_the_default_audit_index()
    {
        var patterns = Template.GetProperty("index_patterns").EnumerateArray().Select(p => p.GetString()!).ToList();
        var index = ForwardingSettings.DefaultAuditIndex.Resolve(DateTimeOffset.UnixEpoch);

        Assert.Contains(patterns, p => p.EndsWith('*') ? index.StartsWith(p[..^1], StringComparison.Ordinal) : index == p);
    }

    [Fact]
    public void The_fields_people_filter_on_are_keywords_and_the_sentences_are_text()
    {
        var mapped = Mapped();

        foreach (var field in new[] { "function", "rule", "outcome", "target", "requestId", "triggers", "audit", "action.type", "logGroup" })
        {
            Assert.Equal((field, "keyword"), (field, mapped[field]));
        }
        Assert.Equal("text", mapped["reason"]);
        Assert.Equal("text", mapped["message"]);
        Assert.Equal("date", mapped["@timestamp"]);
    }

    [Fact]
    public void Every_mapped_field_is_a_field_of_the_audit_line_schema_or_added_by_the_forwarder()
    {
        var fields = SchemaFields();
        Assert.Contains("action.type", fields);

        Assert.All(Mapped().Keys, field => Assert.True(fields.Contains(field) || AddedByTheForwarder.Contains(field), $"{field} is not in audit-line.schema.json"));
    }

    /// <summary>The template's mapped fields by dotted path, with their types.</summary>
    private static Dictionary<string, string> Mapped()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonElement properties, string prefix)
        {
            foreach (var field in properties.EnumerateObject())
            {
                if (field.Value.TryGetProperty("properties", out var inner))
                {
                    Walk(inner, prefix + field.Name + ".");
                }
                else
                {
                    fields[prefix + field.Name] = field.Value.GetProperty("type").GetString()!;
                }
            }
        }
        Walk(Template.GetProperty("template").GetProperty("mappings").GetProperty("properties"), "");
        return fields;
    }

    /// <summary>Every property the schema's line kinds declare, by dotted path, through their $refs.</summary>
    private static HashSet<string> SchemaFields()
    {
        var definitions = Schema.GetProperty("$defs");
        var fields = new HashSet<string>(StringComparer.Ordinal);
        void Collect(JsonElement definition, string prefix, int depth)
        {
            if (definition.TryGetProperty("$ref", out var reference) && depth < 4)
            {
                Collect(definitions.GetProperty(reference.GetString()!["#/$defs/".Length..]), prefix, depth + 1);
            }
            if (!definition.TryGetProperty("properties", out var properties))
            {
                return;
            }
            foreach (var property in properties.EnumerateObject())
            {
                fields.Add(prefix + property.Name);
                Collect(property.Value, prefix + property.Name + ".", depth + 1);
            }
        }
        foreach (var kind in Schema.GetProperty("oneOf").EnumerateArray())
        {
            var definition = definitions.GetProperty(kind.GetProperty("$ref").GetString()!["#/$defs/".Length..]);
            Collect(definition, "", 0);
            if (definition.TryGetProperty("allOf", out var all))
            {
                foreach (var part in all.EnumerateArray())
                {
                    Collect(part, "", 0);
                }
            }
        }
        return fields;
    }
}
