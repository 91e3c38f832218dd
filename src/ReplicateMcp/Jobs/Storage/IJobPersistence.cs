using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Where job snapshots are written through to.</summary>
internal interface IJobPersistence
{
    /// <summary>Records the latest snapshot; with <paramref name="durable"/> it is on disk when the task ends.</summary>
    Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken);

    Task DeleteAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Every readable job in the state directory; unreadable files are moved aside.</summary>
    IReadOnlyList<Job> LoadAll();

    /// <summary>One job as it is on disk now, or null; never moves anything (another process may own the file).</summary>
    Job? TryLoad(string jobId);

    /// <summary>Writes everything still pending (at shutdown).</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}

/// <summary>Memory only.</summary>
internal sealed class NullJobPersistence : IJobPersistence
{
    public Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => Task.CompletedTask;
    public IReadOnlyList<Job> LoadAll() => [];
    public Job? TryLoad(string jobId) => null;
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
