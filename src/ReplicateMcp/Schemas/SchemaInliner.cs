using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Schemas;

/// <summary>Resolves the <c>$ref</c>s of a cog-generated OpenAPI document into one self-contained schema.</summary>
/// <remarks>
/// No JSON Schema library on our package feed covers this (JsonSchema.Net does not restore here), so this is a
/// small inliner for exactly the subset cog emits: <c>#/components/schemas/X</c> refs, given directly or as the
/// only element of <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>, anywhere in the schema tree.
/// </remarks>
internal static class SchemaInliner
{
    private const string RefPrefix = "#/components/schemas/";

    // Keywords whose values are data, not schemas: a "$ref" key inside a default is a value to keep verbatim.
    private static readonly HashSet<string> DataKeywords = ["default", "enum", "const", "example", "examples"];

    private static readonly string[] SingleBranchKeywords = ["allOf", "anyOf", "oneOf"];

    /// <summary>
    /// Returns a deep copy of <c>components.schemas.&lt;componentName&gt;</c> with every resolvable ref replaced by
    /// its target merged under the referring schema's own keywords; null when the component does not exist.
    /// </summary>
    public static JsonObject? Inline(JsonElement openApiSchema, string componentName)
    {
        ArgumentException.ThrowIfNullOrEmpty(componentName);
        if (openApiSchema.ValueKind != JsonValueKind.Object
            || !openApiSchema.TryGetProperty("components", out var components)
            || components.ValueKind != JsonValueKind.Object
            || !components.TryGetProperty("schemas", out var schemas)
            || schemas.ValueKind != JsonValueKind.Object
            || !schemas.TryGetProperty(componentName, out var root)
            || root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // The component being expanded counts as "on the stack" so a property pointing back at Input stays a ref.
        var expanding = new HashSet<string>(StringComparer.Ordinal) { componentName };
        return (JsonObject)Resolve(root, schemas, expanding)!;
    }

    private static JsonNode? Resolve(JsonElement element, JsonElement schemas, HashSet<string> expanding) =>
        element.ValueKind switch
        {
            JsonValueKind.Object => ResolveObject(element, schemas, expanding),
            JsonValueKind.Array => new JsonArray([.. element.EnumerateArray().Select(e => Resolve(e, schemas, expanding))]),
            _ => JsonNode.Parse(element.GetRawText()),
        };

    private static JsonObject ResolveObject(JsonElement schema, JsonElement schemas, HashSet<string> expanding)
    {
        if (FindInlinableRef(schema, schemas, expanding) is { } found)
        {
            // A ref wrapped in allOf may carry keywords of its own next to the $ref: resolving the wrapped element
            // applies them (and guards the cycle itself); the outer schema's keywords are layered on top afterwards.
            var merged = found.Wrapper is null
                ? ExpandTarget(found, schemas, expanding)
                : ResolveObject(found.Wrapped, schemas, expanding);

            var skip = found.Wrapper ?? "$ref";
            foreach (var property in schema.EnumerateObject())
            {
                if (property.Name != skip)
                {
                    merged[property.Name] = CopyKeyword(property, schemas, expanding);
                }
            }

            return merged;
        }

        var copy = new JsonObject();
        foreach (var property in schema.EnumerateObject())
        {
            copy[property.Name] = CopyKeyword(property, schemas, expanding);
        }

        return copy;
    }

    private static JsonObject ExpandTarget(InlinableRef found, JsonElement schemas, HashSet<string> expanding)
    {
        expanding.Add(found.Name);
        try
        {
            return ResolveObject(found.Target, schemas, expanding);
        }
        finally
        {
            expanding.Remove(found.Name);
        }
    }

    private static JsonNode? CopyKeyword(JsonProperty property, JsonElement schemas, HashSet<string> expanding) =>
        DataKeywords.Contains(property.Name)
            ? JsonNode.Parse(property.Value.GetRawText())
            : Resolve(property.Value, schemas, expanding);

    /// <summary>The ref this schema may be replaced by, or null when it has none, it dangles or it would recurse.</summary>
    private static InlinableRef? FindInlinableRef(JsonElement schema, JsonElement schemas, HashSet<string> expanding)
    {
        if (TryTarget(schema, schemas, expanding, out var name, out var target))
        {
            return new InlinableRef(name, target, null, default);
        }

        foreach (var keyword in SingleBranchKeywords)
        {
            if (schema.TryGetProperty(keyword, out var branches)
                && branches.ValueKind == JsonValueKind.Array
                && branches.GetArrayLength() == 1
                && branches[0] is { ValueKind: JsonValueKind.Object } wrapped
                && TryTarget(wrapped, schemas, expanding, out name, out target))
            {
                return new InlinableRef(name, target, keyword, wrapped);
            }
        }

        return null;
    }

    private static bool TryTarget(JsonElement schema, JsonElement schemas, HashSet<string> expanding, out string name, out JsonElement target)
    {
        name = "";
        target = default;
        if (!schema.TryGetProperty("$ref", out var reference)
            || reference.ValueKind != JsonValueKind.String
            || reference.GetString() is not { } text
            || !text.StartsWith(RefPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        // JSON Pointer escapes; cog's names never need them, but a hand-written document might.
        name = text[RefPrefix.Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        return !expanding.Contains(name)
            && schemas.TryGetProperty(name, out target)
            && target.ValueKind == JsonValueKind.Object;
    }

    private sealed record InlinableRef(string Name, JsonElement Target, string? Wrapper, JsonElement Wrapped);
}
