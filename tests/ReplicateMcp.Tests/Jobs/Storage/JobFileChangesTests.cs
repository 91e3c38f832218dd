using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Tests.Reliability;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Jobs.Storage;

/// <summary>What the orphan sweep reads every few seconds: only job files replaced since it last looked.</summary>
public sealed class JobFileChangesTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly SignalingTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public JobFileChangesTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private JsonFileJobPersistence CreateSut() => new(_state.Path, TimeSpan.Zero, _time, _loggers.CreateLogger<JsonFileJobPersistence>());

    private string FileOf(string jobId) => Path.Combine(_state.Path, "jobs", jobId + ".json");

    private Job NewJob(string note) => JobTestData.Batch(_time.GetUtcNow()) with { Note = note };

    [Fact]
    public async Task LoadChanged_AfterLoadAll_ReadsOnlyTheFilesReplacedSinceAndListsEveryFile()
    {
        var (sut, otherServer) = (CreateSut(), CreateSut());
        var (kept, replaced) = (NewJob("kept"), NewJob("before"));
        await otherServer.SaveAsync(kept, durable: true, CT);
        await otherServer.SaveAsync(replaced, durable: true, CT);
        Assert.Equal(2, sut.LoadAll().Count);

        await otherServer.SaveAsync(replaced with { Note = "after, and longer" }, durable: true, CT);
        var changes = sut.LoadChanged();

        Assert.Equal("after, and longer", Assert.Single(changes.Changed).Note);
        Assert.Equal(new HashSet<string> { kept.Id, replaced.Id }, changes.Present);
        Assert.Empty(sut.LoadChanged().Changed);
    }

    [Fact]
    public async Task LoadChanged_FileWithItsWriteTimeAndLengthUnchanged_IsNotReadAgain()
    {
        var sut = CreateSut();
        var job = NewJob("on disk");
        await sut.SaveAsync(job, durable: true, CT);
        sut.LoadAll();

        // Same length and write time, different bytes: read again, this would be moved aside as corrupt.
        var file = FileOf(job.Id);
        var written = File.GetLastWriteTimeUtc(file);
        await File.WriteAllBytesAsync(file, new byte[new FileInfo(file).Length], CT);
        File.SetLastWriteTimeUtc(file, written);
        var changes = sut.LoadChanged();

        Assert.Empty(changes.Changed);
        Assert.Equal([job.Id], changes.Present);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task LoadChanged_JobsThisProcessWrites_NeverReadBackButListed()
    {
        var sut = CreateSut();
        var mine = NewJob("mine");
        sut.LoadAll();

        await sut.SaveAsync(mine, durable: true, CT);
        var changes = sut.LoadChanged();

        Assert.Empty(changes.Changed);
        Assert.Equal([mine.Id], changes.Present);
    }

    [Fact]
    public async Task LoadChanged_DeletedFile_NoLongerPresent()
    {
        var sut = CreateSut();
        var (kept, deleted) = (NewJob("kept"), NewJob("deleted"));
        await sut.SaveAsync(kept, durable: true, CT);
        await sut.SaveAsync(deleted, durable: true, CT);
        sut.LoadAll();

        File.Delete(FileOf(deleted.Id));

        Assert.Equal([kept.Id], sut.LoadChanged().Present);
    }

    [Fact]
    public async Task Loads_NewerFormatFileRewrittenBetweenSweeps_WarnedOnceAndLeftAlone()
    {
        var sut = CreateSut();
        var job = NewJob("newer") with { Version = Job.FormatVersion + 1 };
        var file = FileOf(job.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        for (var sweep = 0; sweep < 3; sweep++)
        {
            // A newer server keeps rewriting its job: a new length each time, so every sweep reads it.
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(job with { Note = new string('x', sweep + 1) }, JobsJsonContext.Default.Job), CT);
            Assert.Empty(sweep == 0 ? sut.LoadAll() : sut.LoadChanged().Changed);
        }

        Assert.Equal(1, _logs.Text.Split('\n').Count(l => l.Contains("newer than this server understands", StringComparison.Ordinal)));
        Assert.True(File.Exists(file));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        _logs.Dispose();
        _state.Dispose();
    }
}
