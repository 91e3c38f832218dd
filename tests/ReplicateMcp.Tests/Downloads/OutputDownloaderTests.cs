using Microsoft.Extensions.Logging.Abstractions;
using ReplicateMcp.Downloads;
using ReplicateMcp.Tests.TestUtilities;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReplicateMcp.Tests.Downloads;

public sealed class OutputDownloaderTests : IDisposable
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 4, 5, 6];

    private readonly StatefulReplicateFake _fake = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("replicate-mcp-dl-").FullName;
    private readonly RecordingHandler _handler = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private string JobFolder => Path.Combine(_dir, "job1", "3");

    public void Dispose()
    {
        _fake.Dispose();
        _handler.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private OutputDownloader CreateSut(long maxFileBytes = 1024 * 1024) => new(
        () => new HttpClient(_handler, disposeHandler: false),
        new DownloadOptions
        {
            DownloadDirectory = _dir,
            ApiBaseUrl = new Uri(_fake.Server.Url!),
            MaxFileBytes = maxFileBytes,
        },
        NullLogger<OutputDownloader>.Instance);

    private void Serve(string path, byte[] body, string contentType = "application/octet-stream", int status = 200) =>
        _fake.Server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    private void Redirect(string path, string location, int status = 302) =>
        _fake.Server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Location", location));

    private string[] FilesInJobFolder() =>
        Directory.Exists(JobFolder) ? [.. Directory.GetFiles(JobFolder).Select(Path.GetFileName).Order()!] : [];

    [Fact]
    public async Task DownloadAsync_TwoFiles_LandAtOutputPathsWithTheirBytes()
    {
        Serve("/pbxt/out-0.png", Png, "image/png");
        Serve("/pbxt/Photo.JPG", Jpeg, "image/jpeg");

        var outcome = await CreateSut().DownloadAsync(
            [new(0, $"{_fake.Server.Url}/pbxt/out-0.png"), new(1, $"{_fake.Server.Url}/pbxt/Photo.JPG")], "job1/3", CT);

        Assert.Null(outcome.Error);
        Assert.Equal([Path.Combine(JobFolder, "output-0.png"), Path.Combine(JobFolder, "output-1.jpg")], outcome.LocalPaths);
        Assert.Equal(Png, await File.ReadAllBytesAsync(outcome.LocalPaths[0]!, CT));
        Assert.Equal(Jpeg, await File.ReadAllBytesAsync(outcome.LocalPaths[1]!, CT));
        Assert.Equal(["output-0.png", "output-1.jpg"], FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_UrlWithoutExtension_UsesContentType()
    {
        Serve("/files/abc", Png, "image/webp");

        var outcome = await CreateSut().DownloadAsync([new(0, $"{_fake.Server.Url}/files/abc")], "job1/3", CT);

        Assert.Null(outcome.Error);
        Assert.Equal(Path.Combine(JobFolder, "output-0.webp"), outcome.LocalPaths[0]);
    }

    [Fact]
    public async Task DownloadAsync_TraversalInUrlPath_StillLandsAsOutputBinInFolder()
    {
        Serve("/etc/passwd", "root:x:0:0"u8.ToArray());

        var outcome = await CreateSut().DownloadAsync([new(0, $"{_fake.Server.Url}/../../etc/passwd")], "job1/3", CT);

        Assert.Null(outcome.Error);
        Assert.Equal(Path.Combine(JobFolder, "output-0.bin"), outcome.LocalPaths[0]);
        Assert.Equal(["output-0.bin"], FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_DisallowedHost_RefusedWithoutAnyRequest()
    {
        var outcome = await CreateSut().DownloadAsync([new(0, "https://evil.example/x.png")], "job1/3", CT);

        Assert.Equal([null], outcome.LocalPaths);
        Assert.Equal("output-0: 'https://evil.example' is not an allowed download host", outcome.Error);
        Assert.Empty(_handler.Requests);
        Assert.Empty(FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_RedirectToDisallowedHost_IsNotFollowed()
    {
        Redirect("/r", "https://evil.example/x.png");

        var outcome = await CreateSut().DownloadAsync([new(0, $"{_fake.Server.Url}/r")], "job1/3", CT);

        Assert.Equal([null], outcome.LocalPaths);
        Assert.Equal("output-0: redirect to 'https://evil.example' refused: not an allowed download host", outcome.Error);
        Assert.Equal([new Uri($"{_fake.Server.Url}/r")], _handler.Requests);
        Assert.Empty(FilesInJobFolder());
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task DownloadAsync_RedirectWithinAllowedHosts_IsFollowed(int status)
    {
        Redirect("/r1", "/r2", status);
        Redirect("/r2", $"{_fake.Server.Url}/final/out.png", status);
        Serve("/final/out.png", Png, "image/png");

        var outcome = await CreateSut().DownloadAsync([new(0, $"{_fake.Server.Url}/r1")], "job1/3", CT);

        Assert.Null(outcome.Error);
        Assert.Equal(Path.Combine(JobFolder, "output-0.png"), outcome.LocalPaths[0]);
        Assert.Equal(Png, await File.ReadAllBytesAsync(outcome.LocalPaths[0]!, CT));
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_RedirectLoop_StopsAfterFiveRedirects()
    {
        Redirect("/loop", "/loop");

        var outcome = await CreateSut().DownloadAsync([new(0, $"{_fake.Server.Url}/loop")], "job1/3", CT);

        Assert.Equal("output-0: more than 5 redirects", outcome.Error);
        Assert.Equal(6, _handler.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_ContentLengthOverCap_RefusedAndNothingWritten()
    {
        Serve("/big.png", new byte[100], "image/png");

        var outcome = await CreateSut(maxFileBytes: 10).DownloadAsync([new(0, $"{_fake.Server.Url}/big.png")], "job1/3", CT);

        Assert.Equal([null], outcome.LocalPaths);
        Assert.Equal("output-0: larger than the 10-byte limit", outcome.Error);
        Assert.Empty(FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_OneFileFailsWithHttp500_OthersStillSucceed()
    {
        Serve("/ok.png", Png, "image/png");
        Serve("/broken.png", "oops"u8.ToArray(), "text/plain", status: 500);

        var outcome = await CreateSut().DownloadAsync(
            [new(0, $"{_fake.Server.Url}/ok.png"), new(1, $"{_fake.Server.Url}/broken.png")], "job1/3", CT);

        Assert.Equal([Path.Combine(JobFolder, "output-0.png"), null], outcome.LocalPaths);
        Assert.Equal("output-1: HTTP 500 Internal Server Error", outcome.Error);
        Assert.Equal(["output-0.png"], FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_SeveralFailures_OneErrorLinePerFile()
    {
        var outcome = await CreateSut().DownloadAsync(
            [new(0, "https://evil.example/a.png"), new(1, "data:image/png;base64,@@"), new(2, "not a url")], "job1/3", CT);

        Assert.Equal([null, null, null], outcome.LocalPaths);
        Assert.Equal(
            "output-0: 'https://evil.example' is not an allowed download host\noutput-1: malformed data: URI\noutput-2: not an absolute URL or data: URI",
            outcome.Error);
    }

    [Fact]
    public async Task DownloadAsync_DataUriBase64Png_DecodesToPngFile()
    {
        var source = "data:image/png;base64," + Convert.ToBase64String(Png);

        var outcome = await CreateSut().DownloadAsync([new(2, source)], "predictions/p1", CT);

        var expected = Path.Combine(_dir, "predictions", "p1", "output-2.png");
        Assert.Null(outcome.Error);
        Assert.Equal([expected], outcome.LocalPaths);
        Assert.Equal(Png, await File.ReadAllBytesAsync(expected, CT));
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task DownloadAsync_DataUriOverCap_Refused()
    {
        var outcome = await CreateSut(maxFileBytes: 3).DownloadAsync([new(0, "data:text/plain,hello")], "job1/3", CT);

        Assert.Equal("output-0: larger than the 3-byte limit", outcome.Error);
        Assert.Empty(FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_ExistingFile_IsReplaced()
    {
        Directory.CreateDirectory(JobFolder);
        await File.WriteAllTextAsync(Path.Combine(JobFolder, "output-0.txt"), "old", CT);

        var outcome = await CreateSut().DownloadAsync([new(0, "data:,new")], "job1/3", CT);

        Assert.Null(outcome.Error);
        Assert.Equal("new", await File.ReadAllTextAsync(outcome.LocalPaths[0]!, CT));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("job1/../../escape")]
    [InlineData("/etc")]
    public async Task DownloadAsync_UnsafeRelativeFolder_Throws(string relativeFolder)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            CreateSut().DownloadAsync([new(0, "data:,x")], relativeFolder, CT));

        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task DownloadAsync_DuplicateNumbers_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(() =>
            CreateSut().DownloadAsync([new(0, "data:,a"), new(0, "data:,b")], "job1/3", CT));

    [Fact]
    public async Task DownloadAsync_NoFiles_ReturnsEmptyOutcome()
    {
        var outcome = await CreateSut().DownloadAsync([], "job1/3", CT);

        Assert.Empty(outcome.LocalPaths);
        Assert.Null(outcome.Error);
    }
}
