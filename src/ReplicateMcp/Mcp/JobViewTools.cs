using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;

namespace ReplicateMcp.Mcp;

/// <summary>
/// Wires the job view into the tool list (contract §11): the start and status tools name the view in
/// <c>_meta.ui.resourceUri</c>, and the view's own thumbnail tool is marked for the app only.
/// </summary>
internal static class JobViewTools
{
    public const string ThumbnailsTool = "replicate_view_thumbnails";

    /// <summary>The tools whose answers the view shows: it follows and acts on the job they name.</summary>
    private static readonly HashSet<string> Linked = new(StringComparer.Ordinal)
    {
        "replicate_batch_start", "replicate_batch_status", "replicate_pipeline_start", "replicate_pipeline_status",
    };

    private static readonly ToolAnnotations ReadsFiles = new() { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false };

    public static void AddToolClasses(IServiceCollection services) => services.AddTransient<ThumbnailTool>();

    /// <summary><paramref name="tools"/>, the linked ones carrying the view's URI (also under the older flat key hosts still read).</summary>
    public static IEnumerable<McpServerTool> Link(IEnumerable<McpServerTool> tools)
    {
        foreach (var tool in tools)
        {
            if (Linked.Contains(tool.ProtocolTool.Name))
            {
                var meta = tool.ProtocolTool.Meta ?? [];
                meta["ui"] = new JsonObject { ["resourceUri"] = JobViewResource.Uri };
                meta["ui/resourceUri"] = JobViewResource.Uri;
                tool.ProtocolTool.Meta = meta;
            }
            yield return tool;
        }
    }

    public static IEnumerable<McpServerTool> All()
    {
        var thumbnails = ToolDefinitions.Define<ThumbnailTool>(ThumbnailsTool, "Thumbnails for the job view",
            "For the job view (an MCP Apps panel) only: small WebP pictures of a batch's or pipeline's downloaded image outputs, " +
            "made from the local files so the panel can show them under its Content-Security-Policy and after Replicate's URLs expire. " +
            "A model should look at results with replicate_batch_status or replicate_pipeline_status (preview: true) instead.",
            ReadsFiles, ThumbnailTool.Inputs, ThumbnailTool.OutputSchema, (t, r, ct) => t.AnswerAsync(r, ct));
        // Hosts keep an app-only tool out of the model's tool list (and bundles out of their manifests).
        thumbnails.ProtocolTool.Meta = new JsonObject { ["ui"] = new JsonObject { ["visibility"] = new JsonArray("app") } };
        return [thumbnails];
    }

    /// <summary>
    /// tools/list without the app-only tools for a client that does not declare MCP Apps: it shows no view to call
    /// them, and might hand them to its model (contract §11: such a client sees no difference).
    /// </summary>
    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> HideAppOnlyFromPlainClients(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (request, cancellationToken) =>
        {
            var result = await next(request, cancellationToken);
            if (request.Server.ClientCapabilities?.Extensions?.ContainsKey(Extension) != true)
                result.Tools = [.. result.Tools.Where(t => !IsAppOnly(t))];
            return result;
        };

    public const string Extension = "io.modelcontextprotocol/ui";

    private static bool IsAppOnly(Tool tool) =>
        tool.Meta?["ui"]?["visibility"] is JsonArray visibility && !visibility.Any(v => v?.GetValue<string>() == "model");

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
