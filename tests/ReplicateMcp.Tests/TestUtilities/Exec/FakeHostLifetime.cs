using Microsoft.Extensions.Hosting;

namespace ReplicateMcp.Tests.TestUtilities.Exec;

/// <summary>The host lifetime the executor links its jobs to; <see cref="Stop"/> plays a shutdown.</summary>
internal sealed class FakeHostLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
