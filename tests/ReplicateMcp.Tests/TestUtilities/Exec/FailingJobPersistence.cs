using System.Collections.Concurrent;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.TestUtilities.Exec;

/// <summary>
/// An <see cref="IJobPersistence"/> whose saves throw <see cref="IOException"/> (a full disk) for every snapshot
/// <see cref="FailWhen"/> picks; everything else is accepted and remembered.
/// </summary>
internal sealed class FailingJobPersistence(Func<Job, bool> failWhen) : IJobPersistence
{
    public Func<Job, bool> FailWhen { get; } = failWhen;

    public ConcurrentQueue<Job> Refused { get; } = new();

    public Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken)
    {
        if (!FailWhen(job)) return Task.CompletedTask;
        Refused.Enqueue(job);
        return Task.FromException(new IOException("No space left on device"));
    }

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => Task.CompletedTask;

    public IReadOnlyList<Job> LoadAll() => [];

    public Job? TryLoad(string jobId) => null;

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
