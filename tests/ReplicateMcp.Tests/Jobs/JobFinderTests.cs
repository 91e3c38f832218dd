using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>Contract §6: with a shared state directory, a server may read the jobs another server owns, not change them.</summary>
public sealed class JobFinderTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly JsonFileJobPersistence _persistence;
    private readonly InMemoryJobStore _store;
    private readonly JobFinder _sut;

    /// <summary>The other server: the test holds its owner lock.</summary>
    private const string LiveOther = "5555-1";
    private readonly FileStream _liveOtherLock;
    private readonly ProcessOwnership _self;

    public JobFinderTests()
    {
        _persistence = new JsonFileJobPersistence(_state.Path, TimeSpan.Zero, _time, NullLogger<JsonFileJobPersistence>.Instance);
        _store = new InMemoryJobStore(_time, new RecordingJobPersistence(), Options.Create(new JobStoreOptions()));
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        _liveOtherLock = new FileStream(OwnerLocks.PathOf(_state.Path, LiveOther), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        _self = new ProcessOwnership(Options.Create(new JobStoreOptions { StateDirectory = _state.Path }));
        _sut = new JobFinder(_store, _persistence, _self, _time);
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private async Task<Job> SaveForeignAsync(string owner)
    {
        var job = JobTestData.Batch(_time.GetUtcNow(), items: 2) with { OwnerId = owner, Note = null };
        await _persistence.SaveAsync(job, durable: true, CT);
        return job;
    }

    [Fact]
    public async Task Find_JobOfAnotherLiveServer_ReadFromItsStateFileWithANoteSayingWhoRunsIt()
    {
        var saved = await SaveForeignAsync(LiveOther);

        var found = _sut.Find(saved.Id, "job_id", JobKind.Batch);

        Assert.Equal(saved.Id, found.Id);
        Assert.Equal(2, found.Items.Length);
        Assert.Contains("process 5555 runs this job", found.Note, StringComparison.Ordinal);
        Assert.Null(_store.Get(saved.Id)); // read, not adopted
    }

    [Fact]
    public async Task Find_ForeignJobWithItsOwnNote_KeepsThatNoteBesideTheOwnerNote()
    {
        var job = JobTestData.Batch(_time.GetUtcNow(), items: 1) with { OwnerId = LiveOther, Note = "Resumed after a restart." };
        await _persistence.SaveAsync(job, durable: true, CT);

        var found = _sut.Find(job.Id, "job_id", JobKind.Batch);

        Assert.Contains($"process 5555 runs this job", found.Note, StringComparison.Ordinal);
        Assert.Contains("Resumed after a restart.", found.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_JobWhoseOwnerStopped_NoteSaysTheNextServerResumesIt()
    {
        var saved = await SaveForeignAsync("7777-1");

        var found = _sut.Find(saved.Id, "job_id", JobKind.Batch);

        Assert.Contains("has stopped", found.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindOwn_JobOfAnotherServer_RefusedNamingTheOwner()
    {
        var saved = await SaveForeignAsync(LiveOther);

        var ex = Assert.Throws<JobLookupException>(() => _sut.FindOwn(saved.Id, "job_id", JobKind.Batch));

        Assert.Contains("pid 5555", ex.Message, StringComparison.Ordinal);
        Assert.Contains("only that process can cancel it", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_ForeignJobOfTheOtherKind_IsNotFound()
    {
        var saved = await SaveForeignAsync(LiveOther);

        var ex = Assert.Throws<JobLookupException>(() => _sut.Find(saved.Id, "pipeline_id", JobKind.Pipeline));

        Assert.StartsWith("pipeline_id: no pipeline with id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_ForeignJobExpired_IsNotFound()
    {
        var saved = JobTestData.Batch(_time.GetUtcNow().AddHours(-3), ttlHours: 1) with { OwnerId = LiveOther, CompletedAt = _time.GetUtcNow().AddHours(-2) };
        await _persistence.SaveAsync(saved, durable: true, CT);

        Assert.Throws<JobLookupException>(() => _sut.Find(saved.Id, "job_id", JobKind.Batch));
    }

    [Fact]
    public async Task FindOwn_OwnJob_Returned()
    {
        var job = JobTestData.Batch(_time.GetUtcNow());
        await _store.AddAsync(job, CT);

        Assert.Same(job, _sut.FindOwn(job.Id, "job_id", JobKind.Batch));
    }

    public void Dispose()
    {
        _self.Dispose();
        _liveOtherLock.Dispose();
        _state.Dispose();
    }
}
