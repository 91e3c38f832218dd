using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Mcp;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using SkiaSharp;

namespace ReplicateMcp.Tests.Mcp;

/// <summary>
/// The job view's wiring (contract §11): the ui:// resource, the tools that name it, and the app-only thumbnail tool.
/// What the view does with them is tested in a browser (src/view/test).
/// </summary>
public sealed class JobViewTests : IAsyncLifetime
{
    private McpToolsHarness _mcp = null!;

    public async ValueTask InitializeAsync() => _mcp = await McpToolsHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _mcp.DisposeAsync();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ResourcesList_HasTheViewAsAnMcpAppWithNoNetworkDomains()
    {
        var resources = await _mcp.Client.ListResourcesAsync(cancellationToken: CT);

        var view = Assert.Single(resources, r => r.Uri == JobViewResource.Uri);
        Assert.Equal("text/html;profile=mcp-app", view.MimeType);
        Assert.Equal("""{"connectDomains":[],"resourceDomains":[]}""", view.ProtocolResource.Meta!["ui"]!["csp"]!.ToJsonString());
    }

    [Fact]
    public async Task ResourcesRead_ServesTheEmbeddedDocument_SelfContainedAndUnder1MB()
    {
        var read = await _mcp.Client.ReadResourceAsync(JobViewResource.Uri, cancellationToken: CT);

        var content = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
        Assert.Equal("text/html;profile=mcp-app", content.MimeType);
        Assert.StartsWith("<!doctype html>", content.Text, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(content.Text), 10_000, 1_000_000);
        Assert.Contains("ui/initialize", content.Text, StringComparison.Ordinal); // the MCP Apps handshake is in the bundle
        Assert.NotNull(content.Meta?["ui"]?["csp"]);
    }

    /// <summary>A client that renders MCP Apps says so in its capabilities, as hosts do.</summary>
    private static McpClientOptions WithViews() => new()
    {
        Capabilities = new ClientCapabilities
        {
            Extensions = new Dictionary<string, object> { [JobViewTools.Extension] = JsonDocument.Parse("""{"mimeTypes": ["text/html;profile=mcp-app"]}""").RootElement },
        },
    };

    [Fact]
    public async Task ToolsList_TheStartAndStatusToolsNameTheView_OthersDoNot()
    {
        await using var host = await McpToolsHarness.StartAsync(clientOptions: WithViews());
        var tools = (await host.Client.ListToolsAsync(cancellationToken: CT)).ToDictionary(t => t.Name, t => t.ProtocolTool);

        foreach (var name in new[] { "replicate_batch_start", "replicate_batch_status", "replicate_pipeline_start", "replicate_pipeline_status" })
        {
            Assert.Equal(JobViewResource.Uri, tools[name].Meta?["ui"]?["resourceUri"]?.GetValue<string>());
            Assert.Equal(JobViewResource.Uri, tools[name].Meta?["ui/resourceUri"]?.GetValue<string>());
        }
        foreach (var name in new[] { "replicate_batch_cancel", "replicate_pipeline_cancel", "replicate_list_jobs", "replicate_get_prediction" })
            Assert.Null(tools[name].Meta?["ui"]);
        var thumbnails = tools[JobViewTools.ThumbnailsTool];
        Assert.Equal("""["app"]""", thumbnails.Meta!["ui"]!["visibility"]!.ToJsonString());
        Assert.Null(thumbnails.Meta["ui"]!["resourceUri"]);
        Assert.True(thumbnails.Annotations?.ReadOnlyHint);
    }

    [Fact]
    public async Task ToolsList_ForAClientWithoutViews_LeavesOutTheAppOnlyTool()
    {
        var plain = (await _mcp.Client.ListToolsAsync(cancellationToken: CT)).Select(t => t.Name).ToList();
        await using var host = await McpToolsHarness.StartAsync(clientOptions: WithViews());
        var withViews = (await host.Client.ListToolsAsync(cancellationToken: CT)).Select(t => t.Name).ToList();

        Assert.DoesNotContain(JobViewTools.ThumbnailsTool, plain);
        Assert.Equal([.. plain, JobViewTools.ThumbnailsTool], withViews);
    }

    [Fact]
    public void ServerCapabilities_DeclareTheUiExtension() =>
        Assert.True(_mcp.Client.ServerCapabilities.Extensions?.ContainsKey("io.modelcontextprotocol/ui"));

    [Fact]
    public async Task Thumbnails_OfAFinishedBatch_SmallWebpOfEachDownloadedImage_OnlyForTheItemsAsked()
    {
        _mcp.Api.DefaultCreate = call => ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, Png(900, 600, SKColors.Red), Png(300, 700, SKColors.Blue));
        var start = await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {"prompt": "a"}}, {"model": "acme/flux", "input": {"prompt": "b"}}], "validate": false}""");
        var jobId = start.StructuredContent!.Value.GetProperty("job_id").GetString()!;
        await _mcp.Core.FinishedAsync(jobId);

        var all = await _mcp.CallAsync(JobViewTools.ThumbnailsTool, $$"""{"job_id": "{{jobId}}"}""");
        var one = await _mcp.CallAsync(JobViewTools.ThumbnailsTool, $$"""{"job_id": "{{jobId}}", "items": ["1"]}""");

        Assert.True(all.IsError != true, McpToolsHarness.Text(all));
        var thumbnails = all.StructuredContent!.Value.GetProperty("thumbnails").EnumerateArray().ToList();
        Assert.Equal(["0/0", "0/1", "1/0", "1/1"], thumbnails.Select(t => $"{t.GetProperty("item").GetString()}/{t.GetProperty("output").GetInt32()}"));
        foreach (var thumbnail in thumbnails)
        {
            Assert.Equal("image/webp", thumbnail.GetProperty("mime_type").GetString());
            var bytes = Convert.FromBase64String(thumbnail.GetProperty("data").GetString()!);
            Assert.InRange(bytes.Length, 1, 20_000);
            using var decoded = SKBitmap.Decode(bytes);
            Assert.Equal(ViewThumbnailsSize, Math.Max(decoded.Width, decoded.Height));
            Assert.Equal(decoded.Width, thumbnail.GetProperty("width").GetInt32());
        }
        using (var first = SKBitmap.Decode(Convert.FromBase64String(thumbnails[0].GetProperty("data").GetString()!)))
            Assert.True(first.GetPixel(10, 10).Red > 200, "item 0's first output is red");
        Assert.Equal(["1", "1"], one.StructuredContent!.Value.GetProperty("thumbnails").EnumerateArray().Select(t => t.GetProperty("item").GetString()));
    }

    [Fact]
    public async Task Thumbnails_UnknownId_IsErrorNamingTheArgument()
    {
        var result = await _mcp.CallAsync(JobViewTools.ThumbnailsTool, """{"job_id": "batch-nothere00000"}""");

        Assert.True(result.IsError);
        Assert.StartsWith("job_id: no batch or pipeline with id \"batch-nothere00000\"", McpToolsHarness.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thumbnails_BadItems_IsErrorNamingTheElement()
    {
        var result = await _mcp.CallAsync(JobViewTools.ThumbnailsTool, """{"job_id": "batch-nothere00000", "items": [3]}""");

        Assert.True(result.IsError);
        Assert.Contains("items[0]: 3 given, expected an item index such as \"3\" or a step id", McpToolsHarness.Text(result), StringComparison.Ordinal);
    }

    private const int ViewThumbnailsSize = ReplicateMcp.Previews.ViewThumbnails.Size;

    private static string Png(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return "data:image/png;base64," + Convert.ToBase64String(data.ToArray());
    }
}
