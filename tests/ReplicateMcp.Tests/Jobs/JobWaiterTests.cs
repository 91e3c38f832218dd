using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.Jobs;

public sealed class JobWaiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryJobStore _store;
    private readonly JobWaiter _sut;

    public JobWaiterTests()
    {
        _store = new InMemoryJobStore(_time, new RecordingJobPersistence(), Options.Create(new JobStoreOptions()));
        _sut = new JobWaiter(_store, _time);
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitAsync_ItemsFinishOneByOne_ShowsEachSnapshotAndReturnsTheFinishedJob()
    {
        var job = JobTestData.Batch(_time.GetUtcNow(), items: 2);
        await _store.AddAsync(job, CT);
        var seen = new List<int>();
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiting = _sut.WaitAsync(job, TimeSpan.FromMinutes(1), (current, _) =>
        {
            seen.Add(current.Items.Count(i => i.Status.IsTerminal()));
            firstSeen.TrySetResult();
            return ValueTask.CompletedTask;
        }, CT);
        await firstSeen.Task.WaitAsync(CT);
        await _store.UpdateAsync(job.Id, j => JobTestData.WithStatus(j, 0, ItemStatus.Succeeded), cancellationToken: CT);
        await _store.UpdateAsync(job.Id, j => JobTestData.Finish(j, _time.GetUtcNow()), cancellationToken: CT);
        var finished = await waiting.WaitAsync(CT);

        Assert.True(finished.IsFinished);
        Assert.Equal(0, seen[0]);
        Assert.Equal(2, seen[^1]);
    }

    [Fact]
    public async Task WaitAsync_LimitPassesBeforeTheJobEnds_ReturnsTheLatestUnfinishedSnapshot()
    {
        var job = JobTestData.Batch(_time.GetUtcNow(), items: 2);
        await _store.AddAsync(job, CT);
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiting = _sut.WaitAsync(job, TimeSpan.FromSeconds(30), (_, _) => { firstSeen.TrySetResult(); return ValueTask.CompletedTask; }, CT);
        await firstSeen.Task.WaitAsync(CT);
        await _store.UpdateAsync(job.Id, j => JobTestData.WithStatus(j, 0, ItemStatus.Succeeded), cancellationToken: CT);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(30));
        var latest = await waiting.WaitAsync(CT);

        Assert.False(latest.IsFinished);
        Assert.Equal(ItemStatus.Succeeded, latest.Items[0].Status);
    }

    [Fact]
    public async Task WaitAsync_NoWait_ReturnsAtOnceWithoutShowingAnything()
    {
        var job = JobTestData.Batch(_time.GetUtcNow());
        await _store.AddAsync(job, CT);
        var shown = 0;

        var result = await _sut.WaitAsync(job, TimeSpan.Zero, (_, _) => { shown++; return ValueTask.CompletedTask; }, CT);

        Assert.Same(job, result);
        Assert.Equal(0, shown);
    }
}
