using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs;

/// <summary>
/// What the tools and <c>replicate-mcp run</c> do with jobs, free of MCP: start (and the text of a refusal),
/// cancel and settle. Looking a job up (own or another process's) is <see cref="JobFinder"/>; waiting, <see cref="JobWaiter"/>.
/// </summary>
internal sealed class JobService(JobStarter starter, JobRegistry registry, IJobStore store, TimeProvider time) : IDisposable
{
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
            var kept = store.List().FirstOrDefault(j => j.Kind == spec.Kind && j.IdempotencyKey == key);
            return kept is not null
                ? new StartOutcome(kept, JobStarter.StartMessage(kept))
                : await starter.StartAsync(spec, cancellationToken);
        }
        finally
        {
            _keyedStarts.Release();
        }
    }

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
