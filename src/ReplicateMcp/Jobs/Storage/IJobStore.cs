using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Jobs by id, with TTL counted from completion.</summary>
internal interface IJobStore
{
    Task AddAsync(Job job, CancellationToken cancellationToken);

    /// <summary>The job, or null when unknown or expired.</summary>
    Job? Get(string id);

    /// <summary>Unexpired jobs, newest first.</summary>
    IReadOnlyList<Job> List();

    /// <summary>Swaps in <paramref name="change"/>(current); returns the new snapshot, or null if the job is gone.</summary>
    Task<Job?> UpdateAsync(string id, Func<Job, Job> change, bool durable = false, CancellationToken cancellationToken = default);

    /// <summary>Completes at the next change of the job (or when it is gone).</summary>
    Task WaitForChangeAsync(string id, CancellationToken cancellationToken);

    /// <summary>Drops expired jobs and the oldest finished beyond the cap.</summary>
    Task SweepAsync(CancellationToken cancellationToken);
}
