using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace ReplicateMcp.Mcp;

internal static class McpServiceCollectionExtensions
{
    /// <summary>The MCP server with our tools; transport is chosen by the caller (stdio, or streams in tests).</summary>
    public static IMcpServerBuilder AddReplicateMcpServer(this IServiceCollection services)
    {
        services.AddSingleton<JobStatusWaiter>();
        services.AddSingleton<Previews.ContactSheetRenderer>();
        services.AddSingleton<PreviewBlocks>();
        services.AddSingleton<ClientRootsReader>();
        ToolDefinitions.AddToolClasses(services);
        JobViewTools.AddToolClasses(services);
        return services
            .AddMcpServer(o =>
            {
                o.ServerInfo = new() { Name = "replicate-mcp", Title = "Replicate batches and pipelines", Version = Hosting.AppInfo.Version };
                o.ServerInstructions = "Run many Replicate predictions in the background: replicate_batch_start for independent predictions, " +
                    "replicate_pipeline_start for steps that feed each other. Both answer at once with an id; follow with the status tools (wait_seconds).";
                // MCP Apps (contract §11): hosts that render views show the job view; others see no difference.
                o.Capabilities = new() { Extensions = new Dictionary<string, object> { [JobViewTools.Extension] = new System.Text.Json.Nodes.JsonObject() } };
            })
            .WithRequestFilters(f => f.AddListToolsFilter(JobViewTools.HideAppOnlyFromPlainClients))
            .WithTools(JobViewTools.Link(ToolDefinitions.All()))
            .WithTools(JobViewTools.All())
            .WithResources([new JobViewResource()]);
    }
}
