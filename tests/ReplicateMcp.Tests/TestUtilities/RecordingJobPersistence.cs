using System.Collections.Concurrent;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>An <see cref="IJobPersistence"/> that remembers what it was asked to save and delete.</summary>
internal sealed class RecordingJobPersistence : IJobPersistence
{
    public ConcurrentQueue<(Job Job, bool Durable)> Saves { get; } = new();
    public ConcurrentQueue<string> Deletes { get; } = new();
    public List<Job> Stored { get; } = [];

    public Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken)
    {
        Saves.Enqueue((job, durable));
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        Deletes.Enqueue(jobId);
        return Task.CompletedTask;
    }

    public IReadOnlyList<Job> LoadAll() => Stored;

    public Job? TryLoad(string jobId) => Stored.LastOrDefault(j => j.Id == jobId);

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
