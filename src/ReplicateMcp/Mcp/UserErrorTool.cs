using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ReplicateMcp.Mcp;

/// <summary>
/// Turns an <see cref="McpException"/> (bad arguments, refused start, unknown id) into an <c>isError</c> result
/// carrying exactly our message: the SDK would prefix it and log a stack trace for what is the caller's mistake.
/// </summary>
internal sealed class UserErrorTool(McpServerTool inner) : DelegatingMcpServerTool(inner)
{
    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.InvokeAsync(request, cancellationToken);
        }
        catch (McpException ex)
        {
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = ex.Message }] };
        }
    }
}
