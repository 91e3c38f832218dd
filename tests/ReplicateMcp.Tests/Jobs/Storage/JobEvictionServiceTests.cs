using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Jobs.Storage;

public sealed class JobEvictionServiceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    // Only bounds a broken run; every wait below ends on a signal.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("access")]
    [InlineData("io")]
    public async Task ExecuteAsync_SweepThrows_KeepsRunningAndSweepsAgain(string fault)
    {
        var time = new TimerSignallingTime();
        var store = new SweepFailingStore(fault == "access" ? new UnauthorizedAccessException("denied") : new IOException("busy"));
        using var service = new JobEvictionService(store, time, Options.Create(new JobStoreOptions { SweepInterval = Interval }),
            NullLogger<JobEvictionService>.Instance);
        await service.StartAsync(CT);
        // ExecuteAsync runs on the thread pool: advance only once its timer exists.
        await time.TimerCreated.Task.WaitAsync(Guard, CT);

        time.Advance(Interval);
        await store.FirstSweep.Task.WaitAsync(Guard, CT);
        time.Advance(Interval);
        // Without the catch the service's task faults at the first sweep and the second never comes.
        await Task.WhenAny(store.SecondSweep.Task, service.ExecuteTask!).WaitAsync(Guard, CT);

        Assert.False(service.ExecuteTask!.IsFaulted, $"The eviction service stopped: {service.ExecuteTask.Exception?.InnerException?.Message}");
        Assert.True(store.SecondSweep.Task.IsCompleted);
        await service.StopAsync(CT);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    private sealed class TimerSignallingTime : FakeTimeProvider
    {
        public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.TrySetResult();
            return timer;
        }
    }

    /// <summary>A store whose first sweep fails the way a locked or read-only state folder does.</summary>
    private sealed class SweepFailingStore(Exception fault) : IJobStore
    {
        private int _sweeps;

        public TaskCompletionSource FirstSweep { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondSweep { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task SweepAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _sweeps) == 1)
            {
                FirstSweep.SetResult();
                throw fault;
            }
            SecondSweep.TrySetResult();
            return Task.CompletedTask;
        }

        public Task AddAsync(Job job, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Job? Get(string id) => throw new NotSupportedException();

        public IReadOnlyList<Job> List() => throw new NotSupportedException();

        public Task<Job?> UpdateAsync(string id, Func<Job, Job> change, bool durable = false, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task WaitForChangeAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
