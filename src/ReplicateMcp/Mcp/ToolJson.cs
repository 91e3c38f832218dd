using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ReplicateMcp.Status;

namespace ReplicateMcp.Mcp;

/// <summary>Tool results: snake_case, nulls written (clients read the schema); the status shapes come from <see cref="StatusJsonContext"/>, both in front of the SDK's resolver.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ModelSchemaView))]
[JsonSerializable(typeof(ModelSearchView))]
[JsonSerializable(typeof(LocalFiles.FileListing))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;

internal static class ToolJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        // The status settings (naming, nulls written, readable escaping), with our other shapes and the SDK's added.
        var options = new JsonSerializerOptions(StatusJson.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(StatusJsonContext.Default, ToolJsonContext.Default, McpJsonUtilities.DefaultOptions.TypeInfoResolver!),
        };
        options.MakeReadOnly();
        return options;
    }

    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
