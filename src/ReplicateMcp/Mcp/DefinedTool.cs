using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;

namespace ReplicateMcp.Mcp;

/// <summary>
/// A tool from an explicit definition and a handler: no method scanning, no generated schemas, so nothing for
/// trimming or Native AOT to take away. A caller's mistake (bad arguments, refused start, unknown id) becomes an
/// <c>isError</c> result carrying exactly our message: the SDK would prefix it and log a stack trace.
/// </summary>
internal sealed class DefinedTool(Tool protocolTool, Func<RequestContext<CallToolRequestParams>, CancellationToken, ValueTask<CallToolResult>> handler)
    : McpServerTool
{
    public override Tool ProtocolTool { get; } = protocolTool;

    public override IReadOnlyList<object> Metadata { get; } = [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        try
        {
            return await handler(request, cancellationToken);
        }
        catch (Exception ex) when (ex is McpException or ArgumentProblemsException)
        {
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = ex.Message }] };
        }
    }
}
