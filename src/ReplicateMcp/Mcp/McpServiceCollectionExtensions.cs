using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace ReplicateMcp.Mcp;

internal static class McpServiceCollectionExtensions
{
    private static readonly Type[] ToolTypes = [typeof(BatchTools), typeof(PipelineTools), typeof(JobTools), typeof(ModelTools)];

    /// <summary>The MCP server with our tools; transport is chosen by the caller (stdio, or streams in tests).</summary>
    public static IMcpServerBuilder AddReplicateMcpServer(this IServiceCollection services)
    {
        services.AddSingleton<JobStatusWaiter>();
        return services
            .AddMcpServer(o =>
            {
                o.ServerInfo = new() { Name = "replicate-mcp", Title = "Replicate batches and pipelines", Version = Hosting.AppInfo.Version };
                o.ServerInstructions = "Run many Replicate predictions in the background: replicate_batch_start for independent predictions, " +
                    "replicate_pipeline_start for steps that feed each other. Both answer at once with an id; follow with the status tools (wait_seconds).";
            })
            .WithTools(CreateTools());
    }

    /// <summary>Builds each tool from its method, then puts our hand-written input schema in place of the generated one.</summary>
    private static IEnumerable<McpServerTool> CreateTools()
    {
        foreach (var type in ToolTypes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null))
            {
                var tool = McpServerTool.Create(method, request => ActivatorUtilities.CreateInstance(request.Services!, type),
                    new McpServerToolCreateOptions { SerializerOptions = ToolJson.Options });
                tool.ProtocolTool.InputSchema = ToolSchemas.ByTool[tool.ProtocolTool.Name];
                if (tool.ProtocolTool.OutputSchema is { } output)
                    tool.ProtocolTool.OutputSchema = ToolSchemas.WithoutBooleanSchemas(output);
                yield return new UserErrorTool(tool);
            }
        }
    }
}
