using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Periodic sweep, so expired jobs leave memory and disk even when nobody reads them.</summary>
internal sealed partial class JobEvictionService(IJobStore store, TimeProvider time, IOptions<JobStoreOptions> options, ILogger<JobEvictionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // An escaping exception would stop the host (and every running job) over a file it could not delete.
                    LogSweepFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired jobs failed; trying again at the next sweep")]
    private partial void LogSweepFailed(Exception exception);
}
