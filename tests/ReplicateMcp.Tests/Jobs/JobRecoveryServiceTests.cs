using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>What a restarted server does with the jobs it finds in the state directory.</summary>
public sealed class JobRecoveryServiceTests : IDisposable
{
    private static readonly string Backend = JobBackend.Of(new ReplicateOptions());
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);
    /// <summary>Unlike any poll delay, so the sweep's timer is told apart.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(17);

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    /// <summary>A job a dead process left: its owner lock is gone.</summary>
    private static Job Orphan(params JobItem[] items) => new()
    {
        Id = JobTestData.NewId(),
        Kind = JobKind.Batch,
        CreatedAt = ExecCoreHarness.Start,
        Settings = new JobSettings(3, false, 300_000, 1, false),
        OwnerId = "2147483647-1",
        Backend = Backend,
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
        await harness.StateLoaded;
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

    private ExecCoreHarness HarnessWith(RecordingJobPersistence persistence, TimeProvider? time = null, bool adopt = true) =>
        new(time: time, configure: s =>
        {
            s.Configure<JobStoreOptions>(o => { o.StateDirectory = _state.Path; o.AdoptOrphans = adopt; o.OrphanSweepInterval = SweepInterval; });
            s.AddSingleton<IJobPersistence>(persistence);
        });

    private static string Self(ExecCoreHarness harness) => harness.Services.GetRequiredService<ProcessOwnership>().OwnerId;

    [Fact]
    public async Task StartAsync_RunningItem_ReattachesToItsPredictionWithoutANewCreate()
    {
        var stored = Orphan(Item(0, ItemStatus.Running, "p-earlier"));
        var persistence = new RecordingJobPersistence { Stored = { stored } };
        var time = new SignalingTimeProvider();
        await using var harness = HarnessWith(persistence, time);
        harness.Api.Seed(ScriptedReplicateClient.SucceededWithUrls("p-earlier", "https://replicate.delivery/fake/earlier.png"));

        var job = await RecoverAndFinishAsync(harness, stored, time);

        Assert.Equal(ItemStatus.Succeeded, job.Items[0].Status);
        Assert.Equal("p-earlier", job.Items[0].PredictionId);
        Assert.Equal(["https://replicate.delivery/fake/earlier.png"], job.Items[0].Result!.Urls);
        Assert.Empty(harness.Api.Creates);
        Assert.Equal(Self(harness), job.OwnerId);
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
        Assert.Contains(persistence.Saves, s => s.Job.Id == stored.Id && s.Job.OwnerId == Self(harness) && s.Durable);
    }

    [Fact]
    public async Task StartAsync_JobWhoseOwnerHoldsItsLock_LeftAlone()
    {
        var lockPath = OwnerLocks.PathOf(_state.Path, "5555-1");
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        using var held = new FileStream(lockPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        var stored = Orphan(Item(0, ItemStatus.Queued)) with { OwnerId = "5555-1" };

        await AssertLeftAloneAsync(stored);
    }

    [Fact]
    public async Task StartAsync_JobOfAnotherBackend_LeftAlone()
    {
        await AssertLeftAloneAsync(Orphan(Item(0, ItemStatus.Queued)) with { Backend = JobBackend.Simulator });
    }

    [Fact]
    public async Task StartAsync_FormatOneJobOfALiveOlderServer_LeftAlone()
    {
        await AssertLeftAloneAsync(Orphan(Item(0, ItemStatus.Queued)) with { OwnerId = null, Backend = null, Owner = AliveOtherOwner() });
    }

    [Fact]
    public async Task StartAsync_WithoutAdoption_AsRunDoes_LeavesAnOrphanAlone()
    {
        await AssertLeftAloneAsync(Orphan(Item(0, ItemStatus.Queued)), adopt: false);
    }

    [Fact]
    public async Task StartAsync_FormatOneJobWithoutBackend_EndedSayingWhyNothingWasCreated()
    {
        var stored = Orphan(Item(0, ItemStatus.Running, "p-earlier"), Item(1, ItemStatus.Queued)) with { OwnerId = null, Backend = null, Owner = new JobOwner(int.MaxValue, ExecCoreHarness.Start) };
        var persistence = new RecordingJobPersistence { Stored = { stored } };
        await using var harness = HarnessWith(persistence);

        await harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single().StartAsync(CT);

        await harness.StateLoaded;

        var job = harness.Store.Get(stored.Id)!;
        Assert.True(job.IsFinished);
        Assert.All(job.Items, i => Assert.Equal(JobRecoveryService.NoBackendRecorded, i.Error));
        Assert.Equal(Backend, job.Backend);
        Assert.Empty(harness.Api.Creates);
    }

    [Fact]
    public async Task StartAsync_OrphanClaimedByAnotherServerFirst_LeftToIt()
    {
        var stored = Orphan(Item(0, ItemStatus.Queued));
        Assert.True(new JobClaims(_state.Path, "6666-1").TryClaim(new OwnedJob(stored.Id, stored.OwnerId)));
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        using var claimantAlive = new FileStream(OwnerLocks.PathOf(_state.Path, "6666-1"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        await AssertLeftAloneAsync(stored);
    }

    private async Task AssertLeftAloneAsync(Job stored, bool adopt = true)
    {
        var persistence = new RecordingJobPersistence { Stored = { stored } };
        await using var harness = HarnessWith(persistence, adopt: adopt);

        await harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single().StartAsync(CT);

        await harness.StateLoaded;

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
