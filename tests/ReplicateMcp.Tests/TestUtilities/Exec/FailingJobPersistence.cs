using System.Collections.Concurrent;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.TestUtilities.Exec;

/// <summary>
/// An <see cref="IJobPersistence"/> that fails as <see cref="JsonFileJobPersistence"/> does on a full disk for every
/// snapshot <see cref="FailWhen"/> picks: a durable save throws <see cref="StateWriteException"/>, a coalesced one is
/// dropped (production logs it and the next save tries again). The real file system is tested in FailClosedTests.
/// </summary>
internal sealed class FailingJobPersistence(Func<Job, bool> failWhen) : IJobPersistence
{
    public Func<Job, bool> FailWhen { get; } = failWhen;

    public ConcurrentQueue<Job> Refused { get; } = new();

    public Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken)
    {
        if (!FailWhen(job)) return Task.CompletedTask;
        Refused.Enqueue(job);
        return durable
            ? Task.FromException(new StateWriteException("/state/jobs", new IOException("No space left on device")))
            : Task.CompletedTask;
    }

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => Task.CompletedTask;

    public IReadOnlyList<Job> LoadAll() => [];

    public Job? TryLoad(string jobId) => null;

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
