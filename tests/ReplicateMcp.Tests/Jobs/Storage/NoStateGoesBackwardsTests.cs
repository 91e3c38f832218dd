using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Jobs.Storage;

/// <summary>
/// CONTRACT §6 "No state goes backwards": two changes that pass the store's compare-and-swap in one order may reach
/// the persistence in the other (a thread paused between the swap and the save). The newer must stay on disk.
/// On fea536c the save that came last won, and the file lost the other item's prediction id.
/// </summary>
public sealed class NoStateGoesBackwardsTests : IDisposable
{
    private readonly TempDirectory _state = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _state.Dispose();

    /// <summary>Lets the first save after <see cref="Arm"/> wait at the door until <see cref="Open"/>; others pass.</summary>
    private sealed class DelayedFirstSave(IJobPersistence inner) : IJobPersistence
    {
        private TaskCompletionSource? _door;
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Arm() => _door = _opened;

        public void Open() => _opened.SetResult();

        public async Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _door, null) is { } door)
            {
                Arrived.SetResult();
                await door.Task;
            }
            await inner.SaveAsync(job, durable, cancellationToken);
        }

        public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => inner.DeleteAsync(jobId, cancellationToken);
        public IReadOnlyList<Job> LoadAll() => inner.LoadAll();
        public Job? TryLoad(string jobId) => inner.TryLoad(jobId);
        public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    }

    [Fact]
    public async Task TwoUpdatesRace_TheOlderReachesTheFileLast_TheFileKeepsTheNewer()
    {
        var disk = new JsonFileJobPersistence(_state.Path, TimeSpan.FromMilliseconds(100), _time, NullLogger<JsonFileJobPersistence>.Instance);
        var door = new DelayedFirstSave(disk);
        var store = new InMemoryJobStore(_time, door, Options.Create(new JobStoreOptions()));
        var job = JobTestData.Batch(_time.GetUtcNow(), items: 2);
        await store.AddAsync(job, CT);

        door.Arm();
        var older = store.UpdateAsync(job.Id, j => j.ItemCreated(0, "pred-a"), durable: true, CT);
        await door.Arrived.Task.WaitAsync(CT); // swapped in, not yet saved
        await store.UpdateAsync(job.Id, j => j.ItemCreated(1, "pred-b"), durable: true, CT);
        door.Open();
        await older;

        var onDisk = new JsonFileJobPersistence(_state.Path, TimeSpan.FromMilliseconds(100), _time, NullLogger<JsonFileJobPersistence>.Instance).TryLoad(job.Id);
        Assert.NotNull(onDisk);
        Assert.Equal(["pred-a", "pred-b"], onDisk.Items.Select(i => i.PredictionId));
    }
}
