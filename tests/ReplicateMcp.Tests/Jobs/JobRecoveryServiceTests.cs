using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>What a restarted server does with the jobs it finds in the state directory.</summary>
public sealed class JobRecoveryServiceTests
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    /// <summary>A job a dead process left: owned by a pid that is not running.</summary>
    private static Job Orphan(params JobItem[] items) => new()
    {
        Id = JobTestData.NewId(),
        Kind = JobKind.Batch,
        CreatedAt = ExecCoreHarness.Start,
        Settings = new JobSettings(3, false, 300_000, 1, false),
        Owner = new JobOwner(int.MaxValue, ExecCoreHarness.Start),
        Items = [.. items],
    };

    private static JobItem Item(int index, ItemStatus status, string? predictionId = null) => new()
    {
        Index = index,
        Model = "acme/flux",
        Input = JobTestData.Json("""{"prompt": "a fox"}"""),
        Status = status,
        PredictionId = predictionId,
        StartedAt = status == ItemStatus.Running ? ExecCoreHarness.Start : null,
    };

    private static async Task<Job> RecoverAndFinishAsync(ExecCoreHarness harness, Job stored, SignalingTimeProvider? time = null)
    {
        var recovery = harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single();
        await recovery.StartAsync(CT);
        var stopped = harness.Executor.WhenStoppedAsync(stored.Id);
        if (time is not null)
        {
            // The tracker's ticks, each once something has parked on a timer (the re-attached item follows).
            var tracker = harness.Services.GetRequiredService<PredictionTracker>();
            while (await Task.WhenAny(stopped, time.NextTimerAsync(CT).AsTask()) != stopped)
                await tracker.TickAsync(CT);
        }
        await stopped.WaitAsync(HangBound, CT);
        return harness.Store.Get(stored.Id) ?? throw new InvalidOperationException("The job was not adopted.");
    }

    private static ExecCoreHarness HarnessWith(RecordingJobPersistence persistence, TimeProvider? time = null) =>
        new(time: time, configure: s => s.AddSingleton<IJobPersistence>(persistence));

    [Fact]
    public async Task StartAsync_RunningItem_ReattachesToItsPredictionWithoutANewCreate()
    {
        var stored = Orphan(Item(0, ItemStatus.Running, "p-earlier"));
        var persistence = new RecordingJobPersistence { Stored = { stored } };
        var time = new SignalingTimeProvider();
        await using var harness = HarnessWith(persistence, time);
        harness.Api.Seed(FakeReplicateApi.Succeeded("p-earlier", "https://replicate.delivery/fake/earlier.png"));

        var job = await RecoverAndFinishAsync(harness, stored, time);

        Assert.Equal(ItemStatus.Succeeded, job.Items[0].Status);
        Assert.Equal("p-earlier", job.Items[0].PredictionId);
        Assert.Equal(["https://replicate.delivery/fake/earlier.png"], job.Items[0].Result!.Urls);
        Assert.Empty(harness.Api.Creates);
        Assert.Equal(JobOwner.Current(), job.Owner);
    }

    [Fact]
    public async Task StartAsync_QueuedItem_StartsIt()
    {
        var stored = Orphan(Item(0, ItemStatus.Succeeded), Item(1, ItemStatus.Queued));
        var persistence = new RecordingJobPersistence { Stored = { stored } };
        await using var harness = HarnessWith(persistence);

        var job = await RecoverAndFinishAsync(harness, stored);

        Assert.Single(harness.Api.Creates);
        Assert.Equal(ItemStatus.Succeeded, job.Items[1].Status);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        // Adopted before it ran: the state file names this process as the owner.
        Assert.Contains(persistence.Saves, s => s.Job.Id == stored.Id && s.Job.Owner == JobOwner.Current() && s.Durable);
    }

    [Fact]
    public async Task StartAsync_JobOfAnotherLiveProcess_LeftAlone()
    {
        var alive = AliveOtherOwner();
        var stored = Orphan(Item(0, ItemStatus.Queued)) with { Owner = alive };
        var persistence = new RecordingJobPersistence { Stored = { stored } };
        await using var harness = HarnessWith(persistence);

        var recovery = harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single();
        await recovery.StartAsync(CT);

        Assert.Null(harness.Store.Get(stored.Id));
        Assert.Empty(harness.Api.Creates);
        Assert.Empty(persistence.Saves);
    }

    /// <summary>A live process other than this one: pid 1 (init) exists for the whole test run.</summary>
    private static JobOwner AliveOtherOwner()
    {
        using var init = Process.GetProcessById(1);
        var owner = new JobOwner(1, new DateTimeOffset(init.StartTime.ToUniversalTime(), TimeSpan.Zero));
        Assert.True(owner.IsAlive());
        return owner;
    }
}
