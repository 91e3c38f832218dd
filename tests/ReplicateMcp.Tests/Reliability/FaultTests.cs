using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Tests.EndToEnd;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Reliability;

/// <summary>Whole batches through the production registration against a fake that misbehaves the way Replicate can.</summary>
public sealed class FaultTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rmcp-fault-").FullName;

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
        using var host = TestHost.Build(TestHost.Settings(fake.ApiUrl, Path.Combine(_root, "downloads")));
        await host.Services.GetRequiredService<ReplicateMcp.Predictions.PredictionTracker>().StartAsync(CT);
        var specs = Enumerable.Range(0, items)
            .Select(i => new ItemSpec(null, "acme/gen", JsonDocument.Parse($$"""{"prompt": "fox {{i}}"}""").RootElement))
            .ToList();
        var started = await host.Services.GetRequiredService<JobStarter>().StartAsync(
            new JobSpec(JobKind.Batch, specs, new JobSettings(concurrency, Download: false, TimeoutMs: 120_000, TtlHours: 1, Validate: false)), CT);

        await host.Services.GetRequiredService<JobRegistry>().WhenStoppedAsync(started.Job.Id).WaitAsync(TimeSpan.FromMinutes(2), CT);
        var job = host.Services.GetRequiredService<IJobStore>().Get(started.Job.Id)!;
        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        return job;
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
