using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

#pragma warning disable MCP9005 // roots are deprecated from MCP 2026-07-28; clients still send them

namespace ReplicateMcp.Tests.Mcp;

/// <summary>A client that declares roots is asked for them at start; their files may be sent (CONTRACT §8).</summary>
public sealed class ClientRootsTests
{
    [Fact]
    public async Task BatchStart_ClientDeclaresRoots_ItsFilesAreSent()
    {
        using var root = new TempDirectory();
        var photo = Path.Combine(root.Path, "photo.png");
        await File.WriteAllBytesAsync(photo, StatefulReplicateFake.Png, TestContext.Current.CancellationToken);
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Roots = new RootsCapability() },
            Handlers = new McpClientHandlers
            {
                RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = new Uri(root.Path + "/").AbsoluteUri, Name = "photos" }] }),
            },
        };
        await using var mcp = await McpToolsHarness.StartAsync(clientOptions: options);

        var started = await mcp.CallAsync("replicate_batch_start", $$$"""{"items": [{"model": "acme/flux", "input": {"image": "{{{photo}}}"}}], "download": false, "validate": false}""");
        Assert.NotEqual(true, started.IsError);
        var jobId = started.StructuredContent!.Value.GetProperty("job_id").GetString()!;
        await mcp.Core.FinishedAsync(jobId);

        Assert.StartsWith("data:image/png;base64,", Assert.Single(mcp.Api.Creates).Input.GetProperty("image").GetString());
    }
}
