using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace ReplicateMcp.Mcp;

/// <summary>
/// Builds results with structured content plus one readable text summary. The text is not a second copy of the
/// JSON: many clients hand the model only the text, so the summary carries what it needs, at a fraction of the size.
/// </summary>
internal static class ToolResults
{
    public static CallToolResult Structured<T>(T value, string summary, params string[] stripFromEach)
    {
        var node = JsonSerializer.SerializeToNode(value, ToolJson.Info<T>())!.AsObject();
        if (stripFromEach.Length > 0) Strip(node, stripFromEach);
        return new CallToolResult
        {
            StructuredContent = JsonSerializer.SerializeToElement(node, ToolJson.Info<JsonObject>()),
            Content = [new TextContentBlock { Text = summary }],
        };
    }

    /// <summary>Removes <paramref name="keys"/> from every element of the top-level arrays (include_results=false).</summary>
    private static void Strip(JsonObject node, string[] keys)
    {
        foreach (var (_, value) in node)
            if (value is JsonArray array)
                foreach (var element in array.OfType<JsonObject>())
                    foreach (var key in keys) element.Remove(key);
    }
}
