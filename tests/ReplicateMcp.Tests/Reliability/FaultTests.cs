using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Jobs;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Reliability;

/// <summary>Whole batches through the production registration against a fake that misbehaves the way Replicate can.</summary>
public sealed class FaultTests
{
    private static CancellationToken CT => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batch_ApiAllowsFiveCreatesPerSecond_AllThirtySucceedWithOneAcceptedCreateEachAndNoRetryBurst()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.Zero, createsPerSecond: 5);

        var job = await RunBatchAsync(fake, items: 30, concurrency: 30);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(30, fake.Creates.Count);
        Assert.Equal(30, fake.Creates.Select(c => c.Input).Distinct().Count());
        // Each refusal blocks every create for its Retry-After and halves the create allowance, so after the first
        // wave few creates are refused (7 to 11 seen; about 40 when only the block applied). A client that retried
        // at once would be refused hundreds of times.
        Assert.InRange(fake.Refused, 1, 20);
    }

    [Fact]
    public async Task Batch_PollsAnsweredWithHtml_ItemsStillSucceedWithoutASecondCreate()
    {
        using var fake = new StatefulReplicateFake(TimeSpan.FromMilliseconds(300), garbledPolls: 3);

        var job = await RunBatchAsync(fake, items: 2, concurrency: 2);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(2, fake.Creates.Count);
    }

    private async Task<Job> RunBatchAsync(StatefulReplicateFake fake, int items, int concurrency)
    {
        await using var core = new ExecCoreHarness(time: TimeProvider.System, apiBaseUrl: fake.ApiUrl);
        await core.Services.GetRequiredService<ReplicateMcp.Predictions.PredictionTracker>().StartAsync(CT);
        var specs = Enumerable.Range(0, items)
            .Select(i => new ItemSpec(null, "acme/gen", JsonDocument.Parse($$"""{"prompt": "fox {{i}}"}""").RootElement))
            .ToList();
        var started = await core.Starter.StartAsync(
            new JobSpec(JobKind.Batch, specs, new JobSettings(concurrency, Download: false, TimeoutMs: 120_000, TtlHours: 1, Validate: false)), CT);

        await core.Executor.WhenStoppedAsync(started.Job.Id).WaitAsync(TimeSpan.FromMinutes(2), CT);
        return core.Store.Get(started.Job.Id)!;
    }
}
