using System.Text.Json.Nodes;

namespace Automation.Testing.GitHub;

/// <summary>
/// Turns an OpenAPI 3.0 schema object into JSON Schema (2020-12) for JsonSchema.Net: <c>nullable: true</c> becomes a
/// "null" type (and a null enum value), and the keywords JSON Schema lacks (example, x-*) are dropped. Everything that
/// constrains a value is kept as GitHub wrote it.
/// </summary>
internal static class OpenApiSchemas
{
    public static JsonNode ToJsonSchema(JsonNode openApi) => Convert(openApi.DeepClone(), isSchema: true)!;

    private static JsonNode? Convert(JsonNode? node, bool isSchema)
    {
        switch (node)
        {
            case JsonObject obj when isSchema:
                foreach (var key in obj.Select(p => p.Key).Where(k => k == "example" || k.StartsWith("x-", StringComparison.Ordinal)).ToList())
                {
                    obj.Remove(key);
                }
                if (obj["nullable"]?.GetValue<bool>() == true)
                {
                    if (obj["type"] is JsonValue type)
                    {
                        obj["type"] = new JsonArray(type.GetValue<string>(), "null");
                    }
                    if (obj["enum"] is JsonArray values && !values.Any(v => v is null))
                    {
                        values.Add(null);
                    }
                }
                obj.Remove("nullable");
                foreach (var (key, value) in obj.ToList())
                {
                    obj[key] = key switch
                    {
                        // Maps of name → schema.
                        "properties" or "patternProperties" => ConvertMap(value),
                        // A schema, or a list of schemas.
                        "items" or "additionalProperties" or "not" or "allOf" or "anyOf" or "oneOf" => Convert(Detach(obj, key, value), isSchema: true),
                        _ => Detach(obj, key, value),
                    };
                }
                return obj;
            case JsonArray array when isSchema:
                // allOf/anyOf/oneOf lists.
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    array[i] = null;
                    array[i] = Convert(item, isSchema: true);
                }
                return array;
            default:
                return node;
        }
    }

    private static JsonNode? ConvertMap(JsonNode? map)
    {
        if (map is not JsonObject obj)
        {
            return map;
        }
        var converted = new JsonObject();
        foreach (var (name, schema) in obj.ToList())
        {
            obj.Remove(name);
            converted[name] = Convert(schema, isSchema: true);
        }
        return converted;
    }

    /// <summary>A node may have one parent: take it off its object before it is set again.</summary>
    private static JsonNode? Detach(JsonObject parent, string key, JsonNode? value)
    {
        parent.Remove(key);
        return value;
    }
}
