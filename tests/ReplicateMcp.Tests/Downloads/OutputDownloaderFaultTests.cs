using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicateMcp.Downloads;

namespace ReplicateMcp.Tests.Downloads;

/// <summary>Faults in the middle of a body, scripted with a stub handler so they happen at an exact byte.</summary>
public sealed class OutputDownloaderFaultTests : IDisposable
{
    private const string Url = "http://localhost/files/out-0.png";

    private readonly string _dir = Directory.CreateTempSubdirectory("replicate-mcp-dl-").FullName;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private string JobFolder => Path.Combine(_dir, "job1", "step_a");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private OutputDownloader CreateSut(Stream body, long maxFileBytes = 1024 * 1024) => new(
        () => new HttpClient(new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) })),
        new DownloadOptions { DownloadDirectory = _dir, ApiBaseUrl = new Uri("http://localhost/v1/"), MaxFileBytes = maxFileBytes },
        NullLogger<OutputDownloader>.Instance);

    private string[] FilesInJobFolder() =>
        Directory.Exists(JobFolder) ? Directory.GetFiles(JobFolder, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task DownloadAsync_ConnectionDropsHalfWay_LeavesNoFinalOrPartFile()
    {
        var outcome = await CreateSut(ScriptedBodyStream.ThenThrow(5000)).DownloadAsync([new(0, Url)], "job1/step_a", CT);

        Assert.Equal([null], outcome.LocalPaths);
        Assert.Equal("output-0: The response ended prematurely.", outcome.Error);
        Assert.Empty(FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_StreamedBytesOverCapWithoutContentLength_AbortsAndLeavesNothing()
    {
        var body = ScriptedBodyStream.ThenEnd(5000);

        var outcome = await CreateSut(body, maxFileBytes: 4096).DownloadAsync([new(0, Url)], "job1/step_a", CT);

        Assert.Equal("output-0: larger than the 4096-byte limit", outcome.Error);
        Assert.False(body.ReachedEnd.Task.IsCompleted, "the download should stop reading once past the cap");
        Assert.Empty(FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_StreamedBytesAtCap_IsSaved()
    {
        var outcome = await CreateSut(ScriptedBodyStream.ThenEnd(4096), maxFileBytes: 4096).DownloadAsync([new(0, Url)], "job1/step_a", CT);

        Assert.Null(outcome.Error);
        Assert.Equal(4096, new FileInfo(outcome.LocalPaths[0]!).Length);
    }

    [Fact]
    public async Task DownloadAsync_CancelledMidBody_ThrowsAndLeavesNoFile()
    {
        var body = ScriptedBodyStream.ThenWaitForCancellation(3000);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(CT);

        var download = CreateSut(body).DownloadAsync([new(0, Url)], "job1/step_a", cts.Token);
        await body.ReachedEnd.Task.WaitAsync(CT);
        Assert.NotEmpty(FilesInJobFolder()); // the .part file exists while the body is in flight
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.Empty(FilesInJobFolder());
    }

    [Fact]
    public async Task DownloadAsync_ManyFiles_AtMostMaxParallelInFlight()
    {
        var inFlight = 0;
        var maxSeen = 0;
        var twoInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHandler(_ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxSeen, now);
            if (now == 2)
            {
                twoInFlight.TrySetResult();
            }

            var body = new ScriptedBodyStream(10, async ct =>
            {
                await gate.Task.WaitAsync(ct);
                Interlocked.Decrement(ref inFlight);
                return 0;
            });
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        });
        using var http = new HttpClient(handler);
        var sut = new OutputDownloader(
            () => http,
            new DownloadOptions { DownloadDirectory = _dir, ApiBaseUrl = new Uri("http://localhost/v1/"), MaxParallelDownloads = 2 },
            NullLogger<OutputDownloader>.Instance);
        OutputFile[] files = [.. Enumerable.Range(0, 6).Select(n => new OutputFile(n, $"http://localhost/files/out-{n}.txt"))];

        var download = sut.DownloadAsync(files, "job1/step_a", CT);
        await twoInFlight.Task.WaitAsync(CT);
        gate.SetResult();
        var outcome = await download;

        Assert.Null(outcome.Error);
        Assert.Equal(6, outcome.LocalPaths.Count(p => p is not null));
        Assert.Equal(2, maxSeen);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
