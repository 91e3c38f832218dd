using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// Immutable snapshots swapped with compare-and-swap, written through to <see cref="IJobPersistence"/>.
/// Expiry is lazy on read plus a periodic sweep; running jobs never expire.
/// </summary>
internal sealed class InMemoryJobStore(TimeProvider time, IJobPersistence persistence, IOptions<JobStoreOptions> options) : IJobStore
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changed = new(StringComparer.Ordinal);

    public async Task AddAsync(Job job, CancellationToken cancellationToken)
    {
        if (!_jobs.TryAdd(job.Id, job)) throw new InvalidOperationException($"Job '{job.Id}' exists already.");
        try
        {
            await persistence.SaveAsync(job, durable: true, cancellationToken);
        }
        catch
        {
            // Not on disk, so not started (CONTRACT §6, fail closed): forgotten here and by the persistence, whose
            // later writes (a flush at stop) would otherwise put a refused job on disk for the next server to run.
            _jobs.TryRemove(new KeyValuePair<string, Job>(job.Id, job));
            await persistence.DeleteAsync(job.Id, CancellationToken.None);
            throw;
        }
        await SweepAsync(cancellationToken);
    }

    /// <summary>Loads a job read from disk (at start), without writing it back.</summary>
    public void Restore(Job job) => _jobs[job.Id] = job;

    public Job? Get(string id) =>
        _jobs.TryGetValue(id, out var job) && !IsExpired(job) ? job : null;

    public IReadOnlyList<Job> List() =>
        [.. _jobs.Values.Where(j => !IsExpired(j)).OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal)];

    public async Task<Job?> UpdateAsync(string id, Func<Job, Job> change, bool durable = false, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_jobs.TryGetValue(id, out var current)) return null;
            var updated = change(current);
            if (ReferenceEquals(updated, current)) return current;
            updated = updated with { Revision = current.Revision + 1 };
            if (!_jobs.TryUpdate(id, updated, current)) continue;
            Signal(id);
            await persistence.SaveAsync(updated, durable, cancellationToken);
            return updated;
        }
    }

    public Task WaitForChangeAsync(string id, CancellationToken cancellationToken)
    {
        if (!_jobs.ContainsKey(id)) return Task.CompletedTask;
        var tcs = _changed.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        // Evicted between the check and the subscription: do not leave the waiter hanging.
        return _jobs.ContainsKey(id) ? tcs.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var expired = _jobs.Values.Where(IsExpired).ToList();
        var finished = _jobs.Values.Where(j => j.IsFinished && !IsExpired(j)).OrderByDescending(j => j.CompletedAt).ToList();
        expired.AddRange(finished.Skip(options.Value.MaxFinishedJobs));
        foreach (var job in expired)
        {
            if (!_jobs.TryRemove(new KeyValuePair<string, Job>(job.Id, job))) continue;
            Signal(job.Id);
            _changed.TryRemove(job.Id, out _);
            await persistence.DeleteAsync(job.Id, cancellationToken);
        }
    }

    private bool IsExpired(Job job) => job.ExpiresAt is { } expires && expires <= time.GetUtcNow();

    private void Signal(string id)
    {
        if (_changed.TryRemove(id, out var tcs)) tcs.TrySetResult();
    }
}
