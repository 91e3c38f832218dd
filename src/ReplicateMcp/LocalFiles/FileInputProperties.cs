using System.Text.Json;

namespace ReplicateMcp.LocalFiles;

/// <summary>The top-level input properties a model's input schema marks as files (<c>format: uri</c>, or arrays of them).</summary>
internal static class FileInputProperties
{
    /// <summary>Reads the names from a model's input schema (<c>components.schemas.Input</c>, enums inlined).</summary>
    public static IReadOnlySet<string> FromInputSchema(JsonElement? inputSchema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (inputSchema is not { ValueKind: JsonValueKind.Object } schema
            || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            return names;

        foreach (var property in properties.EnumerateObject())
        {
            if (IsUri(property.Value)
                || (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("items", out var items) && IsUri(items)))
                names.Add(property.Name);
        }

        return names;
    }

    private static bool IsUri(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("format", out var format)
        && format.ValueKind == JsonValueKind.String
        && format.GetString() == "uri";
}
