using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Jobs.Service;

/// <summary>
/// What the tools and <c>replicate-mcp run</c> do with jobs, free of MCP: start (and the text of a refusal),
/// cancel and settle. Looking a job up (own or another process's) is <see cref="JobFinder"/>; waiting, <see cref="JobWaiter"/>.
/// </summary>
internal sealed class JobService(JobStarter starter, JobRegistry registry, IJobStore store, IJobPersistence persistence, ProcessOwnership ownership, TimeProvider time) : IDisposable
{
    private readonly IdempotencyKeys? _keys = ownership.StateDirectory is { } folder ? new IdempotencyKeys(folder, time) : null;

    /// <summary>Starts that carry an idempotency key go one at a time, so two racing repeats cannot both start.</summary>
    private readonly SemaphoreSlim _keyedStarts = new(1, 1);

    /// <summary>How long a cancel waits for in-flight cancels to reach Replicate, so the answer shows them.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    /// <summary>Checks and starts a job; throws <see cref="JobStartException"/> (see <see cref="RefusalText"/>) when nothing was started.</summary>
    /// <remarks>
    /// A start whose <see cref="JobSpec.IdempotencyKey"/> a kept job of the same kind already carries returns that job's
    /// start answer again and creates nothing (CONTRACT §2): a client re-sends a request whose connection broke.
    /// </remarks>
    public async Task<StartOutcome> StartAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        if (spec.IdempotencyKey is not { } key) return await starter.StartAsync(spec, cancellationToken);
        await _keyedStarts.WaitAsync(cancellationToken);
        try
        {
            if (KeptJob(spec.Kind, key, store.List().FirstOrDefault(j => j.Kind == spec.Kind && j.IdempotencyKey == key)) is { } kept)
                return new StartOutcome(kept, JobStarter.StartMessage(kept));
            if (_keys is null) return await starter.StartAsync(spec, cancellationToken);
            return await StartSharedAsync(spec, key, _keys, cancellationToken);
        }
        finally
        {
            _keyedStarts.Release();
        }
    }

    /// <summary>
    /// With a state folder, the key may have been used by a server running beside this one, or by one it replaced
    /// whose jobs this process has not read: look on disk, under the lock every server takes for keyed starts.
    /// </summary>
    private async Task<StartOutcome> StartSharedAsync(JobSpec spec, string key, IdempotencyKeys keys, CancellationToken cancellationToken)
    {
        using var locked = await keys.LockAsync(cancellationToken);
        if (keys.Find(spec.Kind, key) is { } recorded && KeptJob(spec.Kind, key, store.Get(recorded) ?? persistence.TryLoad(recorded)) is { } kept)
            return new StartOutcome(kept, JobStarter.StartMessage(kept));
        var jobId = JobIds.New(spec.Kind);
        try
        {
            keys.Record(spec.Kind, key, jobId);
        }
        catch (StateWriteException ex)
        {
            throw new JobStartException([$"idempotency_key: the key could not be recorded before any prediction was created: {ex.Message}. Free some space (or fix the folder) and start it again."]);
        }
        try
        {
            return await starter.StartAsync(spec, jobId, cancellationToken);
        }
        catch
        {
            keys.Forget(spec.Kind, key, jobId);
            throw;
        }
    }

    /// <summary><paramref name="job"/> when it is an unexpired job of <paramref name="kind"/> started with <paramref name="key"/>.</summary>
    private Job? KeptJob(JobKind kind, string key, Job? job) =>
        job is not null && job.Kind == kind && job.IdempotencyKey == key && !(job.ExpiresAt is { } expires && expires <= time.GetUtcNow()) ? job : null;

    /// <summary>The one text a refused start is reported with, by a tool (isError) and by <c>run</c> (stderr).</summary>
    public static string RefusalText(JobStartException refused) => refused.Text("Nothing was started");

    /// <summary>Cancels a job this process owns and gives in-flight cancels a moment to settle; returns the latest snapshot.</summary>
    public async Task<Job> CancelAsync(Job job, CancellationToken cancellationToken)
    {
        var canceled = await registry.CancelAsync(job.Id, cancellationToken) ?? job;
        await Task.WhenAny(registry.WhenStoppedAsync(job.Id), Task.Delay(SettleTime, time, cancellationToken));
        return store.Get(job.Id) ?? canceled;
    }

    public void Dispose() => _keyedStarts.Dispose();
}
