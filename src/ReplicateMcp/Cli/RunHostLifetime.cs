using Microsoft.Extensions.Hosting;

namespace ReplicateMcp.Cli;

/// <summary>
/// The host lifetime of <c>run</c>: it does not listen to Ctrl+C. The default console lifetime would stop the host on
/// Ctrl+C, which leaves predictions running for a later resume; <c>run</c> cancels the job on Replicate instead.
/// </summary>
internal sealed class RunHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
