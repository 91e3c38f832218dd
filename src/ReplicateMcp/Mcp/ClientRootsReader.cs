using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// Roots are deprecated from MCP 2026-07-28 (SEP-2577), but the clients people use today (Claude Desktop, editors)
// still declare them, and CONTRACT §8 allows their files: read them while clients send them.
#pragma warning disable MCP9005

namespace ReplicateMcp.Mcp;

/// <summary>
/// The roots the client declares (MCP <c>roots/list</c>), asked for when a job starts: their files may be sent as
/// inputs (CONTRACT §8). A client without the roots capability is not asked; one that does not answer in time, or
/// answers with an error, adds no folders — the start goes on with the configured ones.
/// </summary>
internal sealed partial class ClientRootsReader(TimeProvider time, ILogger<ClientRootsReader> logger)
{
    private static readonly TimeSpan AnswerTime = TimeSpan.FromSeconds(10);

    /// <summary>The roots' URIs (<c>file://…</c> ones are used; others are ignored later), or empty.</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(McpServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.ClientCapabilities?.Roots is null) return [];

        using var timeout = new CancellationTokenSource(AnswerTime, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var answer = await server.RequestRootsAsync(new ListRootsRequestParams(), linked.Token);
            return [.. answer.Roots.Select(r => r.Uri)];
        }
        catch (Exception ex) when (ex is McpException or InvalidOperationException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogNoRoots(ex.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The client declares roots but did not list them ({Reason}); only the configured folders are allowed for this start")]
    private partial void LogNoRoots(string reason);
}
