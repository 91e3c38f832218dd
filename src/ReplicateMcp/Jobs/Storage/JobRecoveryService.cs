using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// At start, loads every job from the state directory: finished ones report as before, unfinished ones
/// are adopted and resumed (running items re-attach to their predictions by id). Jobs of another live
/// server sharing the directory are left to their owner. At stop, pending writes are flushed.
/// </summary>
internal sealed partial class JobRecoveryService(
    IJobPersistence persistence,
    InMemoryJobStore store,
    JobRegistry registry,
    JobOwner self,
    TimeProvider time,
    ILogger<JobRecoveryService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int finished = 0, resumed = 0;
        foreach (var job in persistence.LoadAll())
        {
            if (job.ExpiresAt is { } expires && expires <= time.GetUtcNow())
            {
                await persistence.DeleteAsync(job.Id, cancellationToken);
                continue;
            }
            if (!job.IsFinished && job.Owner is { } owner && owner != self && owner.IsAlive())
                continue; // another live server runs it
            if (job.IsFinished)
            {
                store.Restore(job);
                finished++;
                continue;
            }
            var adopted = job with { Owner = self };
            store.Restore(adopted);
            await persistence.SaveAsync(adopted, durable: true, cancellationToken);
            registry.Start(adopted);
            resumed++;
        }
        if (finished + resumed > 0) LogRecovered(finished, resumed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => persistence.FlushAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Finished} finished and resumed {Resumed} unfinished jobs from the state directory")]
    private partial void LogRecovered(int finished, int resumed);
}
