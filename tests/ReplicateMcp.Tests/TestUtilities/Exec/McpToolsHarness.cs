using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Mcp;

namespace ReplicateMcp.Tests.TestUtilities.Exec;

/// <summary>
/// The real MCP server (AddReplicateMcpCore + AddReplicateMcpServer) over two in-memory pipes, with an
/// <see cref="McpClient"/> on the other end and <see cref="ScriptedReplicateClient"/> behind it. Real time.
/// </summary>
internal sealed class McpToolsHarness : IAsyncDisposable
{
    private readonly Pipe _clientToServer = new();
    private readonly Pipe _serverToClient = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _serverTask = Task.CompletedTask;

    private McpToolsHarness(bool withToken)
    {
        Core = new ExecCoreHarness(withToken, TimeProvider.System, services => services
            .AddReplicateMcpServer()
            .WithStreamServerTransport(_clientToServer.Reader.AsStream(), _serverToClient.Writer.AsStream()));
    }

    public ExecCoreHarness Core { get; }

    public ScriptedReplicateClient Api => Core.Api;

    public McpClient Client { get; private set; } = null!;

    /// <param name="clientOptions">The client's capabilities and handlers (roots, say); the SDK's defaults when null.</param>
    public static async Task<McpToolsHarness> StartAsync(bool withToken = true, McpClientOptions? clientOptions = null)
    {
        var harness = new McpToolsHarness(withToken);
        var server = harness.Core.Services.GetRequiredService<McpServer>();
        harness._serverTask = server.RunAsync(harness._stop.Token);
        harness.Client = await McpClient.CreateAsync(
            new StreamClientTransport(harness._clientToServer.Writer.AsStream(), harness._serverToClient.Reader.AsStream(), NullLoggerFactory.Instance),
            clientOptions, cancellationToken: TestContext.Current.CancellationToken);
        return harness;
    }

    /// <summary>Calls a tool with arguments given as a JSON object text.</summary>
    public Task<CallToolResult> CallAsync(string tool, string argumentsJson, IProgress<ModelContextProtocol.ProgressNotificationValue>? progress = null)
    {
        using var doc = JsonDocument.Parse(argumentsJson);
        var args = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        return Client.CallToolAsync(tool, args, progress, cancellationToken: TestContext.Current.CancellationToken).AsTask();
    }

    /// <summary>All text blocks of a result, joined.</summary>
    public static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public async ValueTask DisposeAsync()
    {
        if (Client is not null) await Client.DisposeAsync();
        await _stop.CancelAsync();
        _clientToServer.Writer.Complete();
        _serverToClient.Writer.Complete();
        try
        {
            await _serverTask;
        }
        catch (OperationCanceledException)
        {
        }
        await Core.DisposeAsync();
        _stop.Dispose();
    }
}
