using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Downloads;
using ReplicateMcp.Previews;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using SkiaSharp;

namespace ReplicateMcp.Tests.Mcp;

/// <summary><c>preview: true</c> (contract §9): one contact sheet image block and a resource_link per downloaded file.</summary>
public sealed class PreviewToolsTests : IAsyncLifetime
{
    private McpToolsHarness _mcp = null!;

    public async ValueTask InitializeAsync() => _mcp = await McpToolsHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _mcp.DisposeAsync();

    /// <summary>A PNG data: URI of one colour: the fake's outputs are written to disk like downloads.</summary>
    private static string PngDataUri(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return "data:image/png;base64," + Convert.ToBase64String(data.ToArray());
    }

    private static readonly SKColor[] Colors = [SKColors.Red, SKColors.Green, SKColors.Blue, SKColors.Orange, SKColors.Purple, SKColors.Teal];

    private async Task<string> FinishedBatchAsync(string items, string download = "true")
    {
        var start = await _mcp.CallAsync("replicate_batch_start", $$"""{"items": {{items}}, "download": {{download}}, "validate": false}""");
        Assert.True(start.IsError != true, McpToolsHarness.Text(start));
        var jobId = start.StructuredContent!.Value.GetProperty("job_id").GetString()!;
        await _mcp.Core.FinishedAsync(jobId);
        return jobId;
    }

    private static string Items(int count) =>
        "[" + string.Join(", ", Enumerable.Range(0, count).Select(i => $$"""{"model": "acme/flux", "input": {"prompt": "p{{i}}"} }""")) + "]";

    private static IReadOnlyList<string> LocalPaths(CallToolResult result, string listName = "items") =>
        [.. result.StructuredContent!.Value.GetProperty(listName).EnumerateArray()
            .Where(i => i.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object)
            .SelectMany(i => i.GetProperty("result").GetProperty("local_paths").EnumerateArray().Select(p => p.GetString()!))];

    private static SKBitmap DecodeSheet(CallToolResult result, out ImageContentBlock block)
    {
        block = Assert.Single(result.Content.OfType<ImageContentBlock>());
        var bytes = block.DecodedData.ToArray();
        Assert.InRange(bytes.Length, 1, ContactSheet.MaxBytes);
        var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.InRange(bitmap.Width, 1, ContactSheet.MaxWidth);
        return bitmap;
    }

    [Fact]
    public async Task BatchStatus_PreviewOnFinishedImageBatch_OneSheetWithinBoundsAndALinkPerDownloadedFile()
    {
        // Three items of two outputs each, of different sizes and colours.
        _mcp.Api.DefaultCreate = call =>
        {
            var n = int.Parse(call.Input.GetProperty("prompt").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture);
            return ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, PngDataUri(300 + (n * 200), 400, Colors[n * 2]), PngDataUri(200, 500, Colors[(n * 2) + 1]));
        };
        var jobId = await FinishedBatchAsync(Items(3));

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": true}""");

        Assert.True(result.IsError != true, McpToolsHarness.Text(result));
        using var sheet = DecodeSheet(result, out var block);
        Assert.Contains(block.MimeType, new[] { "image/png", "image/jpeg", "image/webp" });
        var paths = LocalPaths(result);
        Assert.Equal(6, paths.Count);
        var links = result.Content.OfType<ResourceLinkBlock>().ToList();
        Assert.Equal(paths.Order(StringComparer.Ordinal), links.Select(l => new Uri(l.Uri).LocalPath).Order(StringComparer.Ordinal));
        foreach (var link in links)
        {
            Assert.StartsWith("file://", link.Uri, StringComparison.Ordinal);
            var file = new FileInfo(new Uri(link.Uri).LocalPath);
            Assert.True(file.Exists, link.Uri);
            Assert.Equal(file.Length, link.Size);
            Assert.Equal("image/png", link.MimeType);
            Assert.EndsWith(file.Name, link.Name, StringComparison.Ordinal);
        }
        Assert.Contains("contact sheet of 6 tiles", McpToolsHarness.Text(result), StringComparison.Ordinal);
        // Six tiles in one or two rows: the sheet shows every output.
        Assert.True(sheet.Width > sheet.Height, $"{sheet.Width}×{sheet.Height}");
        // The first tile (item 0, output 0) is red.
        var red = sheet.GetPixel(40, 40);
        Assert.True(red.Red > 200 && red.Green < 60 && red.Blue < 60, red.ToString());
    }

    [Fact]
    public async Task BatchStatus_WithoutPreview_NoImageNoLinksAndTheSameStructuredContent()
    {
        _mcp.Api.DefaultCreate = call => ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, PngDataUri(64, 64, SKColors.Red));
        var jobId = await FinishedBatchAsync(Items(2));

        var plain = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}"}""");
        var off = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": false}""");
        var on = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": true}""");

        foreach (var result in new[] { plain, off })
        {
            Assert.Empty(result.Content.OfType<ImageContentBlock>());
            Assert.Empty(result.Content.OfType<ResourceLinkBlock>());
            Assert.Single(result.Content);
        }
        Assert.Single(on.Content.OfType<ImageContentBlock>());
        Assert.Equal(plain.StructuredContent!.Value.GetRawText(), on.StructuredContent!.Value.GetRawText());
    }

    [Fact]
    public async Task BatchStatus_PreviewWithAFailedItem_SheetMarksItAndLinksOnlyTheFilesThere()
    {
        _mcp.Api.DefaultCreate = call => call.Input.GetProperty("prompt").GetString() == "p1"
            ? ScriptedReplicateClient.Failed(call.PredictionId, "NSFW content detected")
            : ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, PngDataUri(128, 128, SKColors.Green));
        var jobId = await FinishedBatchAsync(Items(3));

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": true}""");

        using var sheet = DecodeSheet(result, out _);
        Assert.Contains("contact sheet of 3 tiles", McpToolsHarness.Text(result), StringComparison.Ordinal);
        Assert.Equal(2, result.Content.OfType<ResourceLinkBlock>().Count());
        // The middle tile's label bar is red (failed), the first one's is grey.
        var tile = (sheet.Width - 4) / 3;
        var failedLabel = sheet.GetPixel(4 + tile + (tile / 2), sheet.Height - 10);
        var okLabel = sheet.GetPixel(tile - 8, sheet.Height - 10);
        Assert.True(failedLabel.Red > 100 && failedLabel.Green < 60, failedLabel.ToString());
        Assert.True(okLabel.Red < 80, okLabel.ToString());
    }

    [Fact]
    public async Task BatchStatus_PreviewOfAJobWithoutDownloads_TilesSayNotDownloadedAndNothingIsLinked()
    {
        var jobId = await FinishedBatchAsync(Items(2), download: "false");

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": true}""");

        Assert.Single(result.Content.OfType<ImageContentBlock>());
        Assert.Empty(result.Content.OfType<ResourceLinkBlock>());
        var text = McpToolsHarness.Text(result);
        Assert.Contains("2 images were not downloaded", text, StringComparison.Ordinal);
        Assert.Contains("download: false", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchStatus_PreviewOfTextOnlyOutputs_NoImageAndTheTextSaysSo()
    {
        _mcp.Api.DefaultCreate = call => new Prediction { Id = call.PredictionId, Status = PredictionStatuses.Succeeded, Output = JsonSerializer.SerializeToElement("a haiku") };
        var jobId = await FinishedBatchAsync(Items(1));

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": true}""");

        Assert.Empty(result.Content.OfType<ImageContentBlock>());
        Assert.Contains("no image outputs", McpToolsHarness.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineStatus_Preview_TilesAndLinksForEveryStep()
    {
        _mcp.Api.DefaultCreate = call => ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, PngDataUri(96, 96, SKColors.Blue));
        var start = await _mcp.CallAsync("replicate_pipeline_start", """
            {"steps": [{"id": "gen", "model": "acme/flux", "input": {}}, {"id": "up", "model": "acme/up", "input": {}, "depends_on": ["gen"]}], "validate": false}
            """);
        var id = start.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;
        await _mcp.Core.FinishedAsync(id);

        var result = await _mcp.CallAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}", "preview": true}""");

        using var sheet = DecodeSheet(result, out _);
        Assert.Equal(LocalPaths(result, "steps").Order(StringComparer.Ordinal),
            result.Content.OfType<ResourceLinkBlock>().Select(l => new Uri(l.Uri).LocalPath).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Content.OfType<ResourceLinkBlock>().Count());
        Assert.Contains(result.Content.OfType<ResourceLinkBlock>(), l => l.Name.StartsWith("gen/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPrediction_PreviewWithDownload_SheetAndLinks_WithoutDownload_MarkedNotDownloaded()
    {
        _mcp.Api.Seed(ScriptedReplicateClient.SucceededWithUrls("pred1", PngDataUri(120, 80, SKColors.Orange), "https://replicate.delivery/fake/pred1-1.webp"));

        var withoutDownload = await _mcp.CallAsync("replicate_get_prediction", """{"prediction_id": "pred1", "preview": true}""");
        var without = await _mcp.CallAsync("replicate_get_prediction", """{"prediction_id": "pred1"}""");

        // The data: URI is always written out; the webp URL is not fetched without download.
        Assert.Single(withoutDownload.Content.OfType<ImageContentBlock>());
        Assert.Single(withoutDownload.Content.OfType<ResourceLinkBlock>());
        Assert.Contains("1 image was not downloaded", McpToolsHarness.Text(withoutDownload), StringComparison.Ordinal);
        Assert.Contains("download: true", McpToolsHarness.Text(withoutDownload), StringComparison.Ordinal);
        Assert.Empty(without.Content.OfType<ImageContentBlock>());
        Assert.Empty(without.Content.OfType<ResourceLinkBlock>());
    }

    [Fact]
    public void OutputPreview_OfAJob_LabelsTilesByItemAndMarksWhatIsNotShown()
    {
        var dir = _mcp.Core.Services.GetRequiredService<IOptions<DownloadOptions>>().Value.DownloadDirectory;
        Directory.CreateDirectory(dir);
        var a = Path.Combine(dir, "output-0.png");
        File.WriteAllBytes(a, [1, 2, 3]);
        var job = new ReplicateMcp.Jobs.Job
        {
            Id = "j",
            Items =
            [
                new() { Index = 0, Status = ReplicateMcp.Jobs.ItemStatus.Succeeded, Result = new() { Status = "succeeded", Urls = ["https://x/0.png", "https://x/1.png"], LocalPaths = [a] } },
                new() { Index = 1, Status = ReplicateMcp.Jobs.ItemStatus.TimedOut },
                new() { Index = 2, Status = ReplicateMcp.Jobs.ItemStatus.Queued },
            ],
        };

        var preview = OutputPreview.Of(job);

        Assert.Equal(
            [("item 0 [0]", PreviewTileStatus.Ok, null), ("item 0 [1]", PreviewTileStatus.Missing, "not downloaded"),
             ("item 1", PreviewTileStatus.Failed, "timed out"), ("item 2", PreviewTileStatus.Missing, "queued")],
            preview.Tiles.Select(t => (t.Label, t.Status, t.Note)));
        Assert.Equal([a], preview.DownloadedFiles);
        Assert.Equal(1, preview.NotDownloaded);
    }
}
