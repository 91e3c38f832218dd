using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities.Exec;
using static ReplicateMcp.Tests.TestUtilities.Exec.ExecCoreHarness;

namespace ReplicateMcp.Tests.Jobs;

public sealed class JobRegistryTests : IAsyncLifetime
{
    private readonly ExecCoreHarness _harness = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task StopAsync_JobStillRunning_ReturnsOnlyAfterItsRunHasSavedItsLastState()
    {
        _harness.Api.HoldCreates = true;
        var started = await _harness.Starter.StartAsync(Batch(1, Item("acme/flux")), CT);
        var held = await _harness.Api.NextHeldCreateAsync(CT);

        var stopping = _harness.Executor.StopAsync(CT);
        Assert.False(stopping.IsCompleted); // the run is inside its create call
        held.Succeed("https://replicate.delivery/fake/a.png");
        await stopping.WaitAsync(CT);

        Assert.True(_harness.Executor.WhenStoppedAsync(started.Job.Id).IsCompleted);
        Assert.Equal(ItemStatus.Succeeded, _harness.Store.Get(started.Job.Id)!.Items[0].Status);
    }

    [Fact]
    public async Task StopAsync_HostGivesUpWaiting_ReturnsWithoutThrowing()
    {
        _harness.Api.HoldCreates = true;
        await _harness.Starter.StartAsync(Batch(1, Item("acme/flux")), CT);
        _ = await _harness.Api.NextHeldCreateAsync(CT);
        using var hostTimeout = new CancellationTokenSource();

        var stopping = _harness.Executor.StopAsync(hostTimeout.Token);
        Assert.False(stopping.IsCompleted);
        await hostTimeout.CancelAsync();

        await stopping.WaitAsync(CT);
    }
}
