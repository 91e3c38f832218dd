using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.LocalFiles;

public sealed class InputFileSenderTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ScriptedReplicateClient _client = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private InputFileSender CreateSut(int maxInline = 100) =>
        new(_client, Options.Create(new LocalFileOptions { MaxInlineBytes = maxInline, MaxFileBytes = 10_000 }), _time);

    private CheckedFile Write(string name, int bytes, byte fill = 1)
    {
        var path = Path.Combine(_folder.Path, name);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, bytes).ToArray());
        return new CheckedFile(path, bytes);
    }

    [Fact]
    public async Task SendAsync_SmallFile_IsInlinedAsDataUriWithItsType()
    {
        var file = Write("a.png", 3);

        var sent = await CreateSut().SendAsync(file, CT);

        Assert.Equal("data:image/png;base64,AQEB", sent);
        Assert.Empty(_client.Uploads);
    }

    [Fact]
    public async Task SendAsync_LargeFile_IsUploadedOnceByContent()
    {
        var sut = CreateSut();
        var a = Write("a.jpg", 101);
        var sameContent = Write("copy.jpg", 101);

        var first = await sut.SendAsync(a, CT);
        var second = await sut.SendAsync(sameContent, CT);
        var again = await sut.SendAsync(a, CT);

        Assert.Equal("https://api.replicate.com/v1/files/file1", first);
        Assert.Equal([first, first], new[] { second, again });
        var upload = Assert.Single(_client.Uploads);
        Assert.Equal(("a.jpg", "image/jpeg", 101), (upload.FileName, upload.ContentType, upload.Content.Length));
        Assert.Equal(1, sut.UploadCount);
    }

    [Fact]
    public async Task SendAsync_ConcurrentCallers_ShareOneUpload()
    {
        var sut = CreateSut();
        var file = Write("big.png", 500);
        _client.HoldUploads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sends = Enumerable.Range(0, 5).Select(_ => sut.SendAsync(file, CT)).ToArray();
        _client.HoldUploads.SetResult();
        var urls = await Task.WhenAll(sends);

        Assert.Single(urls.Distinct());
        Assert.Single(_client.Uploads);
    }

    [Fact]
    public async Task SendAsync_DifferentContent_UploadsEach()
    {
        var sut = CreateSut();

        await sut.SendAsync(Write("a.png", 200, 1), CT);
        await sut.SendAsync(Write("b.png", 200, 2), CT);

        Assert.Equal(2, _client.Uploads.Count);
    }

    [Fact]
    public async Task SendAsync_FileGrewPastLimit_ThrowsNamingIt()
    {
        var file = Write("grown.png", 20_000);

        var ex = await Assert.ThrowsAsync<IOException>(() => CreateSut().SendAsync(file with { Size = 10 }, CT));

        Assert.Contains("grown.png' is now 20000 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplaceAsync_PutsWhatIsSentWhereTheFilesWere()
    {
        var small = Write("s.png", 3);
        var large = Write("l.png", 300);
        var input = JsonSerializer.SerializeToElement(new { prompt = "x", images = new[] { "keep", large.Path }, nested = new { mask = small.Path } });
        LocalFileReference[] files =
        [
            new("in.images[1]", ["images", 1], large.Path, large),
            new("in.nested.mask", ["nested", "mask"], small.Path, small),
        ];

        var sent = await CreateSut().ReplaceAsync(input, files, CT);

        Assert.Equal("""{"prompt":"x","images":["keep","https://api.replicate.com/v1/files/file1"],"nested":{"mask":"data:image/png;base64,AQEB"}}""", sent.GetRawText());
    }
}
