using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs.Service;

/// <summary>
/// Waits for a job to finish, up to a limit, showing each snapshot it sees on the way. The status tools (with
/// <c>wait_seconds</c>) and <c>replicate-mcp run</c> both follow jobs with it.
/// </summary>
internal sealed class JobWaiter(IJobStore store, TimeProvider time)
{
    /// <summary>
    /// Returns the latest snapshot when the job is finished, gone (expired), or <paramref name="wait"/> has passed;
    /// <paramref name="onSnapshot"/> sees the first snapshot read and every change after it. A canceled
    /// <paramref name="cancellationToken"/> throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<Job> WaitAsync(Job job, TimeSpan wait, Func<Job, CancellationToken, ValueTask>? onSnapshot, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero || job.IsFinished) return job;
        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        while (true)
        {
            var changed = store.WaitForChangeAsync(job.Id, linked.Token); // subscribe before reading, so no change is missed
            if (store.Get(job.Id) is not { } current) return job; // expired meanwhile
            job = current;
            if (onSnapshot is not null) await onSnapshot(job, cancellationToken);
            if (job.IsFinished) return job;
            try
            {
                await changed;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return store.Get(job.Id) ?? job;
            }
        }
    }
}
