using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Jobs;

public sealed class InMemoryJobStoreTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingJobPersistence _persistence = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private InMemoryJobStore CreateSut(int maxFinishedJobs = 200) =>
        new(_time, _persistence, Options.Create(new JobStoreOptions { MaxFinishedJobs = maxFinishedJobs }));

    [Fact]
    public async Task Get_RunningJob_NeverExpiresHoweverMuchTimePasses()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await store.AddAsync(job, CT);

        _time.Advance(TimeSpan.FromDays(30));
        await store.SweepAsync(CT);

        Assert.Same(job, store.Get(job.Id));
        Assert.Empty(_persistence.Deletes);
    }

    [Fact]
    public async Task Get_FinishedJob_ExpiresExactlyOneTtlAfterCompletion()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await store.AddAsync(job, CT);
        // A long run first: the TTL must count from completion, not creation.
        _time.Advance(TimeSpan.FromHours(5));
        await store.UpdateAsync(job.Id, j => JobTestData.Finish(j, _time.GetUtcNow()), cancellationToken: CT);

        _time.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.NotNull(store.Get(job.Id));
        Assert.Single(store.List());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(store.Get(job.Id));
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task SweepAsync_ExpiredJob_IsDeletedFromPersistence()
    {
        var store = CreateSut();
        var job = JobTestData.Finish(JobTestData.Batch(_time.GetUtcNow()), _time.GetUtcNow());
        await store.AddAsync(job, CT);

        _time.Advance(Ttl);
        await store.SweepAsync(CT);

        Assert.Equal([job.Id], _persistence.Deletes);
    }

    [Fact]
    public async Task AddAsync_MoreThanMaxFinished_EvictsOldestFinishedAndKeepsRunning()
    {
        var store = CreateSut();
        var start = _time.GetUtcNow();
        var running = JobTestData.Batch(start);
        await store.AddAsync(running, CT);
        // Created in reverse order of completion, so "oldest" can only mean oldest completion.
        var finished = Enumerable.Range(0, 202)
            .Select(i => JobTestData.Finish(JobTestData.Batch(start.AddSeconds(1000 - i)), start.AddSeconds(i)))
            .ToList();
        foreach (var job in finished) await store.AddAsync(job, CT);

        Assert.Null(store.Get(finished[0].Id));
        Assert.Null(store.Get(finished[1].Id));
        Assert.NotNull(store.Get(finished[2].Id));
        Assert.NotNull(store.Get(finished[201].Id));
        Assert.Same(running, store.Get(running.Id));
        Assert.Equal(201, store.List().Count);
        Assert.Equal(new[] { finished[0].Id, finished[1].Id }.Order(), _persistence.Deletes.Order());
    }

    [Fact]
    public async Task SweepAsync_ManyRunningJobs_NeverEvictsRunningOnes()
    {
        var store = CreateSut(maxFinishedJobs: 2);
        var jobs = Enumerable.Range(0, 5).Select(i => JobTestData.Batch(_time.GetUtcNow().AddSeconds(i))).ToList();
        foreach (var job in jobs) await store.AddAsync(job, CT);

        _time.Advance(TimeSpan.FromDays(3));
        await store.SweepAsync(CT);

        Assert.Equal(5, store.List().Count);
        Assert.Empty(_persistence.Deletes);
    }

    [Fact]
    public async Task List_SeveralJobs_NewestFirst()
    {
        var store = CreateSut();
        var start = _time.GetUtcNow();
        var middle = JobTestData.Batch(start.AddMinutes(1));
        var oldest = JobTestData.Batch(start);
        var newest = JobTestData.Batch(start.AddMinutes(2));
        foreach (var job in new[] { middle, oldest, newest }) await store.AddAsync(job, CT);

        Assert.Equal([newest.Id, middle.Id, oldest.Id], store.List().Select(j => j.Id));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentIncrements_AllLand()
    {
        const int Increments = 200;
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow()) with { Note = "0" };
        await store.AddAsync(job, CT);

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, Increments).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            await store.UpdateAsync(job.Id, j => j with { Note = (int.Parse(j.Note!, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: CT);
        }, CT)).ToList();
        go.SetResult();
        await Task.WhenAll(workers);

        Assert.Equal(Increments.ToString(System.Globalization.CultureInfo.InvariantCulture), store.Get(job.Id)!.Note);
        Assert.Equal(Increments, _persistence.Saves.Count(s => s.Job.Id == job.Id && !s.Durable));
    }

    [Fact]
    public async Task UpdateAsync_UnchangedSnapshot_DoesNotWrite()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await store.AddAsync(job, CT);
        var savesBefore = _persistence.Saves.Count;

        var result = await store.UpdateAsync(job.Id, j => j, cancellationToken: CT);

        Assert.Same(job, result);
        Assert.Equal(savesBefore, _persistence.Saves.Count);
    }

    [Fact]
    public async Task UpdateAsync_UnknownJob_ReturnsNull()
    {
        var store = CreateSut();

        Assert.Null(await store.UpdateAsync(JobTestData.NewId(), j => j with { Note = "x" }, cancellationToken: CT));
    }

    [Fact]
    public async Task UpdateAsync_Durable_PassesDurableToPersistence()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await store.AddAsync(job, CT);

        await store.UpdateAsync(job.Id, j => j with { Note = "pred id" }, durable: true, CT);

        Assert.Contains(_persistence.Saves, s => s.Job.Note == "pred id" && s.Durable);
    }

    [Fact]
    public async Task WaitForChangeAsync_JobUpdated_Completes()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await store.AddAsync(job, CT);

        var wait = store.WaitForChangeAsync(job.Id, CT);
        Assert.False(wait.IsCompleted);

        await store.UpdateAsync(job.Id, j => j with { Note = "changed" }, cancellationToken: CT);

        await wait.WaitAsync(TimeSpan.FromSeconds(5), CT);
        Assert.True(wait.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WaitForChangeAsync_JobEvicted_Completes()
    {
        var store = CreateSut();
        var job = JobTestData.Finish(JobTestData.Batch(_time.GetUtcNow()), _time.GetUtcNow());
        await store.AddAsync(job, CT);
        var wait = store.WaitForChangeAsync(job.Id, CT);

        _time.Advance(Ttl);
        await store.SweepAsync(CT);

        await wait.WaitAsync(TimeSpan.FromSeconds(5), CT);
    }

    [Fact]
    public void WaitForChangeAsync_UnknownJob_CompletesAtOnce()
    {
        var store = CreateSut();

        Assert.True(store.WaitForChangeAsync(JobTestData.NewId(), CT).IsCompleted);
    }

    [Fact]
    public async Task AddAsync_DuplicateId_Throws()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());
        await store.AddAsync(job, CT);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync(job with { Note = "again" }, CT));
    }

    [Fact]
    public async Task AddAsync_NewJob_SavedDurably()
    {
        var store = CreateSut();
        var job = JobTestData.Batch(_time.GetUtcNow());

        await store.AddAsync(job, CT);

        var save = Assert.Single(_persistence.Saves);
        Assert.Same(job, save.Job);
        Assert.True(save.Durable);
    }
}
