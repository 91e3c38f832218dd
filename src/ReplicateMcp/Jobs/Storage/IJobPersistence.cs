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

    /// <summary>
    /// For the orphan sweep, which asks every few seconds: only the jobs whose files changed since the last
    /// <see cref="LoadAll"/> or <see cref="LoadChanged"/> (a file is read again only when it is replaced; this process's
    /// own jobs may be left out), and the ids of every job file there now. Unreadable files are treated as by <see cref="LoadAll"/>.
    /// </summary>
    JobFileChanges LoadChanged()
    {
        var all = LoadAll();
        return new(all, all.Select(j => j.Id).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>One job as it is on disk now, or null; never moves anything (another process may own the file).</summary>
    Job? TryLoad(string jobId);

    /// <summary>Writes everything still pending (at shutdown).</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}

/// <param name="Changed">Jobs read because their files are new or were replaced.</param>
/// <param name="Present">The id of every job file in the state directory now, readable or not.</param>
internal sealed record JobFileChanges(IReadOnlyList<Job> Changed, IReadOnlySet<string> Present);

/// <summary>Memory only.</summary>
internal sealed class NullJobPersistence : IJobPersistence
{
    public Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task DeleteAsync(string jobId, CancellationToken cancellationToken) => Task.CompletedTask;
    public IReadOnlyList<Job> LoadAll() => [];
    public Job? TryLoad(string jobId) => null;
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
