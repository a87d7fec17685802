using System.Text.Json.Nodes;

namespace Automation.Testing.OpenSearch;

/// <summary>
/// What the OpenSearch API specification says a _bulk request may hold, read from its description
/// (tests/fixtures/opensearch/bulk.openapi.json): the body's media type, the query parameters, the action names, the
/// metadata keys of each action (its schema's properties, through $ref and allOf) and the keys of an update's body.
/// </summary>
public sealed class BulkDescription
{
    private BulkDescription(IReadOnlySet<string> mediaTypes, IReadOnlySet<string> queryParameters, IReadOnlyDictionary<string, IReadOnlySet<string>> actions, IReadOnlySet<string> updateKeys)
    {
        MediaTypes = mediaTypes;
        QueryParameters = queryParameters;
        Actions = actions;
        UpdateKeys = updateKeys;
    }

    public IReadOnlySet<string> MediaTypes { get; }

    public IReadOnlySet<string> QueryParameters { get; }

    /// <summary>Action name (index, create, update, delete) → the metadata keys it may carry.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Actions { get; }

    /// <summary>The keys of an update action's body (doc, script, upsert, scripted_upsert, ...).</summary>
    public IReadOnlySet<string> UpdateKeys { get; }

    public static BulkDescription Load() => Parse(JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("opensearch", "bulk.openapi.json")))!);

    public static BulkDescription Parse(JsonNode spec)
    {
        var components = spec["components"]!;
        var schemas = components["schemas"]!;
        var body = components["requestBodies"]!["bulk"]!["content"]!.AsObject();
        var post = spec["paths"]!["/_bulk"]!["post"]!;
        var query = post["parameters"]!.AsArray()
            .Select(p => components["parameters"]![Ref(p!)]!)
            .Where(p => (string?)p["in"] == "query")
            .Select(p => (string)p["name"]!)
            .ToHashSet(StringComparer.Ordinal);

        var container = schemas["_core.bulk___OperationContainer"]!;
        var actions = container["properties"]!.AsObject().ToDictionary(
            p => p.Key,
            p => (IReadOnlySet<string>)Properties(schemas, schemas[Ref(p.Value!)]!).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var update = Properties(schemas, schemas["_core.bulk___UpdateAction"]!).ToHashSet(StringComparer.Ordinal);
        return new BulkDescription(body.Select(c => c.Key).ToHashSet(StringComparer.Ordinal), query, actions, update);
    }

    /// <summary>Every property a schema allows, following $ref and allOf.</summary>
    private static IEnumerable<string> Properties(JsonNode schemas, JsonNode schema)
    {
        if (schema["$ref"] is { } reference)
        {
            foreach (var name in Properties(schemas, schemas[Ref(schema)]!))
            {
                yield return name;
            }
        }
        if (schema["allOf"] is JsonArray all)
        {
            foreach (var part in all)
            {
                foreach (var name in Properties(schemas, part!))
                {
                    yield return name;
                }
            }
        }
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var property in properties)
            {
                yield return property.Key;
            }
        }
    }

    private static string Ref(JsonNode node) => ((string)node["$ref"]!).Split('/')[^1];
}
