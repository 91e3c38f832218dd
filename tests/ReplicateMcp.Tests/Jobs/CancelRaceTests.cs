using ReplicateMcp.Tests.TestUtilities.Exec;
using static ReplicateMcp.Tests.TestUtilities.Exec.ExecCoreHarness;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>
/// A cancel that arrives as the run ends: on fea536c the run disposed its token source as it ended, and a cancel that
/// had found the run a moment before threw <see cref="ObjectDisposedException"/> cancelling it.
/// </summary>
public sealed class CancelRaceTests
{
    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CancelAsync_RacingTheEndOfTheRun_NeverThrows()
    {
        await using var harness = new ExecCoreHarness();
        for (var i = 0; i < 400; i++)
        {
            var started = await harness.Starter.StartAsync(Batch(1, Item("acme/flux")), CT);
            await Task.Run(() => harness.Executor.CancelAsync(started.Job.Id, CT), CT);
            await harness.Executor.WhenStoppedAsync(started.Job.Id).WaitAsync(CT);
        }
    }
}
