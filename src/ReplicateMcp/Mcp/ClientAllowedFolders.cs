using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.LocalFiles;

namespace ReplicateMcp.Mcp;

// Roots are deprecated from spec version 2026-07-28 (SEP-2577), but the clients people use today declare them, and
// contract §8 counts them as allowed folders: read them while a client offers them.
#pragma warning disable MCP9005

/// <summary>
/// The allowed folders for one request (contract §8): the configured ones, plus the client's roots when the client
/// declares the roots capability. Roots are asked for on each call: a client may change them at any time.
/// </summary>
internal sealed partial class ClientAllowedFolders(AllowedFolders configured, TimeProvider time, ILogger<ClientAllowedFolders> logger)
{
    /// <summary>A client that declares roots but does not answer must not hold the tool call up for long.</summary>
    public static readonly TimeSpan RootsTimeout = TimeSpan.FromSeconds(5);

    public async Task<AllowedFolders> ForAsync(McpServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.ClientCapabilities?.Roots is null)
            return configured;

        using var limit = new CancellationTokenSource(RootsTimeout, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            var roots = await server.RequestRootsAsync(new ListRootsRequestParams(), bounded.Token);
            return configured.WithClientRoots(roots.Roots.Select(r => r.Uri));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Without the roots, fewer folders are allowed, never more: carry on with the configured ones.
            LogRootsUnavailable(ex.Message);
            return configured;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The client declares roots but roots/list failed ({Reason}); only the configured folders are allowed.")]
    private partial void LogRootsUnavailable(string reason);
}
