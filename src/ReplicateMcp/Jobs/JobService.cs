using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs;

/// <summary>
/// What the tools and <c>replicate-mcp run</c> do with jobs, free of MCP: start (and the text of a refusal),
/// cancel and settle. Looking a job up (own or another process's) is <see cref="JobFinder"/>; waiting, <see cref="JobWaiter"/>.
/// </summary>
internal sealed class JobService(JobStarter starter, JobRegistry registry, IJobStore store, TimeProvider time)
{
    /// <summary>How long a cancel waits for in-flight cancels to reach Replicate, so the answer shows them.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    /// <summary>Checks and starts a job; throws <see cref="JobStartException"/> (see <see cref="RefusalText"/>) when nothing was started.</summary>
    public Task<StartOutcome> StartAsync(JobSpec spec, CancellationToken cancellationToken) => starter.StartAsync(spec, cancellationToken);

    /// <summary>The one text a refused start is reported with, by a tool (isError) and by <c>run</c> (stderr).</summary>
    public static string RefusalText(JobStartException refused) =>
        refused.Problems.Count == 1
            ? $"Nothing was started: {refused.Problems[0]}"
            : $"Nothing was started; {refused.Problems.Count} problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", refused.Problems);

    /// <summary>Cancels a job this process owns and gives in-flight cancels a moment to settle; returns the latest snapshot.</summary>
    public async Task<Job> CancelAsync(Job job, CancellationToken cancellationToken)
    {
        var canceled = await registry.CancelAsync(job.Id, cancellationToken) ?? job;
        await Task.WhenAny(registry.WhenStoppedAsync(job.Id), Task.Delay(SettleTime, time, cancellationToken));
        return store.Get(job.Id) ?? canceled;
    }
}
