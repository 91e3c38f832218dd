using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Periodic sweep, so expired jobs leave memory and disk even when nobody reads them.</summary>
internal sealed class JobEvictionService(IJobStore store, TimeProvider time, IOptions<JobStoreOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await store.SweepAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
