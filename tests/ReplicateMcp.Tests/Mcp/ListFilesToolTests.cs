using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Downloads;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Mcp;

/// <summary><c>replicate_list_files</c>: only the allowed folders (download dir, input dirs, client roots), hidden files left out.</summary>
public sealed class ListFilesToolTests : IAsyncLifetime
{
    private readonly TempDirectory _outside = new();
    private McpToolsHarness _mcp = null!;
    private string _downloads = null!;

    public async ValueTask InitializeAsync()
    {
        _mcp = await McpToolsHarness.StartAsync();
        _downloads = _mcp.Core.Services.GetRequiredService<IOptions<DownloadOptions>>().Value.DownloadDirectory;
        Directory.CreateDirectory(_downloads);
    }

    public async ValueTask DisposeAsync()
    {
        await _mcp.DisposeAsync();
        _outside.Dispose();
    }

    private static void Write(string path, int bytes = 10)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
    }

    private static string[] Names(CallToolResult result) =>
        [.. result.StructuredContent!.Value.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString()!))];

    [Fact]
    public async Task ListFiles_InsideTheDownloadFolder_ListsItsFilesWithSizeTimeAndMimeType()
    {
        Write(Path.Combine(_downloads, "b.jpg"), 2048);
        Write(Path.Combine(_downloads, "a.png"), 100);
        Write(Path.Combine(_downloads, "sub", "c.png"));

        var result = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{JsonSerializer.Serialize(_downloads)}}}""");

        Assert.True(result.IsError != true, McpToolsHarness.Text(result));
        var listing = result.StructuredContent!.Value;
        Assert.Equal(["a.png", "b.jpg"], Names(result));
        var first = listing.GetProperty("files")[0];
        Assert.Equal(100, first.GetProperty("size").GetInt64());
        Assert.Equal("image/png", first.GetProperty("mime_type").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", first.GetProperty("modified_at").GetString());
        Assert.False(listing.GetProperty("truncated").GetBoolean());
        Assert.Contains(_downloads, listing.GetProperty("allowed_folders").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("a.png", McpToolsHarness.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListFiles_WithoutFolder_NamesTheAllowedFolders()
    {
        var result = await _mcp.CallAsync("replicate_list_files", "{}");

        Assert.True(result.IsError != true);
        Assert.Equal(JsonValueKind.Null, result.StructuredContent!.Value.GetProperty("folder").ValueKind);
        Assert.Empty(Names(result));
        Assert.Contains(_downloads, McpToolsHarness.Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListFiles_OutsideTheAllowedFolders_RefusedWithTheInputsRefusalText()
    {
        Write(Path.Combine(_outside.Path, "secret.png"));

        var result = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{JsonSerializer.Serialize(_outside.Path)}}}""");

        Assert.True(result.IsError);
        Assert.Equal(LocalFileMessages.Describe("folder", _outside.Path, LocalFileRule.OutsideAllowedFolders), McpToolsHarness.Text(result));
    }

    [Fact]
    public async Task ListFiles_HiddenFilesLeftOut_HiddenFolderRefused()
    {
        Write(Path.Combine(_downloads, ".env"));
        Write(Path.Combine(_downloads, "seen.png"));
        Write(Path.Combine(_downloads, ".cache", "x.png"));

        var listed = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{JsonSerializer.Serialize(_downloads)}}}""");
        var hidden = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{JsonSerializer.Serialize(Path.Combine(_downloads, ".cache"))}}}""");

        Assert.Equal(["seen.png"], Names(listed));
        Assert.True(hidden.IsError);
        Assert.Contains("hidden", McpToolsHarness.Text(hidden), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListFiles_PatternAndLimit_FilterAndTruncate()
    {
        foreach (var name in new[] { "p1.jpg", "p2.JPG", "p3.jpg", "notes.txt" }) Write(Path.Combine(_downloads, name));
        var folder = JsonSerializer.Serialize(_downloads);

        var jpgs = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{folder}}, "pattern": "*.jpg"}""");
        var two = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{folder}}, "pattern": "*.jpg", "limit": 2}""");
        var slash = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{folder}}, "pattern": "../*"}""");
        var tooMany = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{folder}}, "limit": 501}""");

        Assert.Equal(["p1.jpg", "p2.JPG", "p3.jpg"], Names(jpgs));
        Assert.Equal(["p1.jpg", "p2.JPG"], Names(two));
        Assert.True(two.StructuredContent!.Value.GetProperty("truncated").GetBoolean());
        Assert.Contains("more matched", McpToolsHarness.Text(two), StringComparison.Ordinal);
        Assert.True(slash.IsError);
        Assert.StartsWith("pattern: \"../*\" given", McpToolsHarness.Text(slash), StringComparison.Ordinal);
        Assert.True(tooMany.IsError);
        Assert.Contains("limit: 501 given, allowed 1–500", McpToolsHarness.Text(tooMany), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListFiles_ClientDeclaresRoots_ItsRootsAreAllowedToo()
    {
        Write(Path.Combine(_outside.Path, "photo.png"));
#pragma warning disable MCP9005 // roots are deprecated from spec 2026-07-28, but today's clients declare them
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Roots = new RootsCapability() },
            Handlers = new McpClientHandlers
            {
                RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [new Root { Uri = new Uri(_outside.Path).AbsoluteUri, Name = "photos" }] }),
            },
        };
#pragma warning restore MCP9005
        await using var withRoots = await McpToolsHarness.StartAsync(clientOptions: options);

        var result = await withRoots.CallAsync("replicate_list_files", $$"""{"folder": {{JsonSerializer.Serialize(_outside.Path)}}}""");
        var plain = await _mcp.CallAsync("replicate_list_files", $$"""{"folder": {{JsonSerializer.Serialize(_outside.Path)}}}""");

        Assert.True(result.IsError != true, McpToolsHarness.Text(result));
        Assert.Equal(["photo.png"], Names(result));
        Assert.True(plain.IsError);
    }
}
