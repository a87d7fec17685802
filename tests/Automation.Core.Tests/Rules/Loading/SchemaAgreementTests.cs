using System.Text.Json;
using Automation.Core.Rules.Actions;
using Automation.Core.Rules.Loading;
using Automation.Testing;

namespace Automation.Core.Tests.Rules.Loading;

/// <summary>
/// rules.schema.json is what editors check rules files with; the loader is what the functions trust. These tests keep
/// the schema's keys equal to the loader's, so the two cannot drift apart.
/// </summary>
public sealed class SchemaAgreementTests : IDisposable
{
    private readonly JsonDocument _schema = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "rules.schema.json")));

    private JsonElement Root => _schema.RootElement;

    private JsonElement Definitions => Root.GetProperty("definitions");

    public void Dispose() => _schema.Dispose();

    [Fact]
    public void The_schema_is_draft_07()
    {
        Assert.Equal("http://json-schema.org/draft-07/schema#", Root.GetProperty("$schema").GetString());
    }

    [Fact]
    public void The_top_level_keys_agree()
    {
        AssertKeys(RulesKeys.RuleSet, Root);
        Assert.Equal(1, Root.GetProperty("properties").GetProperty("version").GetProperty("const").GetInt32());
    }

    [Fact]
    public void The_rule_keys_agree()
    {
        AssertKeys(RulesKeys.Rule, Definitions.GetProperty("rule"));
        Assert.Equal(["id", "match"], Strings(Definitions.GetProperty("rule").GetProperty("required")));
    }

    [Fact]
    public void The_threshold_keys_agree()
    {
        AssertKeys(RulesKeys.ThresholdKeys, Definitions.GetProperty("threshold"));
        Assert.Equal(["count", "within"], Strings(Definitions.GetProperty("threshold").GetProperty("required")));
    }

    [Fact]
    public void The_condition_keys_agree_and_each_operator_is_one_branch_of_one_of()
    {
        var condition = Definitions.GetProperty("condition");

        AssertKeys(RulesKeys.Condition, condition);
        Assert.Equal(
            RulesKeys.Operators.Order(StringComparer.Ordinal),
            condition.GetProperty("oneOf").EnumerateArray().Select(branch => Assert.Single(Strings(branch.GetProperty("required")))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_modifier_restrictions_agree()
    {
        var dependencies = Definitions.GetProperty("condition").GetProperty("dependencies");

        foreach (var op in RulesKeys.Operators)
        {
            var forbidden = dependencies.TryGetProperty(op, out var dependency)
                ? dependency.GetProperty("properties").EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.False).Select(p => p.Name).ToList()
                : [];
            var expected = new List<string>();
            if (RulesKeys.Combinators.Contains(op))
            {
                expected.Add(RulesKeys.Field);
            }
            if (RulesKeys.CaseFree.Contains(op))
            {
                expected.Add(RulesKeys.IgnoreCase);
            }
            Assert.Equal(expected.Order(StringComparer.Ordinal), forbidden.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void The_action_types_and_their_parameters_agree_with_the_catalog()
    {
        var action = Definitions.GetProperty("action");
        Assert.Equal(ActionCatalog.Types.Select(t => t.Type), Strings(action.GetProperty("properties").GetProperty("type").GetProperty("enum")));
        Assert.Equal(
            ActionCatalog.Types.Select(t => $"#/definitions/action_{t.Type}"),
            action.GetProperty("allOf").EnumerateArray().Select(branch => branch.GetProperty("then").GetProperty("$ref").GetString()));

        foreach (var type in ActionCatalog.Types)
        {
            var definition = Definitions.GetProperty($"action_{type.Type}");
            AssertKeys([ActionCatalog.TypeKey, .. type.Parameters.Select(p => p.Name)], definition);
            Assert.Equal(type.Type, definition.GetProperty("properties").GetProperty("type").GetProperty("const").GetString());
            Assert.Equal(
                [ActionCatalog.TypeKey, .. type.Parameters.Where(p => p.Required).Select(p => p.Name)],
                Strings(definition.GetProperty("required")));
            foreach (var choice in type.Parameters.Where(p => p.Kind == ActionParameterKind.Choice))
            {
                Assert.Equal(choice.AllowedValues, Strings(definition.GetProperty("properties").GetProperty(choice.Name).GetProperty("enum")));
            }
        }
    }

    [Fact]
    public void Every_key_has_a_description_and_every_object_refuses_unknown_keys()
    {
        var objects = 0;
        foreach (var (path, node) in Walk(Root, "#"))
        {
            // `if` branches and `dependencies` only test or forbid keys that the object itself describes.
            var isBranch = path.Contains("/dependencies/", StringComparison.Ordinal) || path.EndsWith("/if", StringComparison.Ordinal);
            if (isBranch || !node.TryGetProperty("properties", out var properties))
            {
                continue;
            }
            objects++;
            foreach (var property in properties.EnumerateObject())
            {
                Assert.True(property.Value.TryGetProperty("description", out _), $"{path}/properties/{property.Name} has no description");
            }
            // The action's keys depend on its type: each action_<type> definition refuses the others.
            var refusesUnknown = node.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
            Assert.True(refusesUnknown || path == "#/definitions/action", $"{path} accepts unknown keys");
        }
        Assert.True(objects >= 9, $"only {objects} objects with properties found");
    }

    private static void AssertKeys(IEnumerable<string> loaderKeys, JsonElement schemaObject)
    {
        Assert.Equal(
            loaderKeys.Order(StringComparer.Ordinal),
            schemaObject.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.False, schemaObject.GetProperty("additionalProperties").ValueKind);
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "")];

    private static IEnumerable<(string Path, JsonElement Node)> Walk(JsonElement node, string path)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            yield return (path, node);
            foreach (var property in node.EnumerateObject())
            {
                foreach (var child in Walk(property.Value, $"{path}/{property.Name}"))
                {
                    yield return child;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in node.EnumerateArray())
            {
                foreach (var child in Walk(item, $"{path}/{i++}"))
                {
                    yield return child;
                }
            }
        }
    }
}
