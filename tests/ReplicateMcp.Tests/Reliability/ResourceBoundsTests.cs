using ReplicateMcp.Jobs;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using static ReplicateMcp.Tests.TestUtilities.Exec.ExecCoreHarness;

namespace ReplicateMcp.Tests.Reliability;

public sealed class ResourceBoundsTests
{
    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_HundredBatchesAtOnce_NeverExceedProcessWideCap()
    {
        await using var core = new ExecCoreHarness(extraSettings: new Dictionary<string, string?> { ["Predictions:MaxConcurrency"] = "4" });
        core.Api.HoldCreates = true;

        var started = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => core.Starter.StartAsync(
            Batch(10, Item("black-forest-labs/flux-schnell"), Item("acme/sketch")) with { Settings = new JobSettings(10, false, 60_000, 1, Validate: false) }, CT)));
        // Answer the oldest create only once four wait at once: the cap must let exactly four in, and never a fifth.
        var waiting = new Queue<CreateCall>();
        for (var arrived = 0; arrived < 200; arrived++)
        {
            waiting.Enqueue(await core.Api.NextHeldCreateAsync(CT).AsTask().WaitAsync(TimeSpan.FromSeconds(30), CT));
            if (waiting.Count == 4) waiting.Dequeue().Succeed();
        }
        while (waiting.TryDequeue(out var last)) last.Succeed();
        var jobs = await Task.WhenAll(started.Select(s => core.FinishedAsync(s.Job.Id)));

        Assert.All(jobs, job => Assert.Equal(JobStatus.Succeeded, job.Status));
        Assert.Equal(4, core.Api.MaxConcurrentCreates);
        Assert.Equal(200, core.Api.Creates.Count);
    }

    [Fact]
    public async Task Store_ManyFinishedJobs_KeepsAtMostTheCap()
    {
        await using var core = new ExecCoreHarness(extraSettings: new Dictionary<string, string?> { ["Jobs:MaxFinishedJobs"] = "5" });
        for (var i = 0; i < 12; i++)
        {
            var s = await core.Starter.StartAsync(Batch(1, Item("black-forest-labs/flux-schnell")), CT);
            await core.FinishedAsync(s.Job.Id);
        }

        await core.Store.SweepAsync(CT);

        Assert.Equal(5, core.Store.List().Count);
    }
}
