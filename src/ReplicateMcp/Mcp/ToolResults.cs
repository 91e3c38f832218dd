using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace ReplicateMcp.Mcp;

/// <summary>Builds results with structured content, a one-line summary and the JSON as text for older clients.</summary>
internal static class ToolResults
{
    public static CallToolResult Structured<T>(T value, string summary, params string[] stripFromEach)
    {
        var node = JsonSerializer.SerializeToNode(value, ToolJson.Info<T>())!.AsObject();
        if (stripFromEach.Length > 0) Strip(node, stripFromEach);
        var json = node.ToJsonString(ToolJson.Options);
        return new CallToolResult
        {
            StructuredContent = JsonSerializer.SerializeToElement(node, ToolJson.Info<JsonObject>()),
            Content = [new TextContentBlock { Text = summary }, new TextContentBlock { Text = json }],
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
