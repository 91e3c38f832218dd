using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Tests.Jobs.Storage;

/// <summary>
/// The sweep a running server makes every few seconds (CONTRACT §6): it adopts a job whose owner died although the
/// job's file did not change, and it clears the claims of jobs that are gone.
/// </summary>
public sealed class OrphanSweepTests : IAsyncDisposable
{
    private readonly TempDirectory _state = new();
    private readonly ExecCoreHarness _harness;

    public OrphanSweepTests()
    {
        _harness = new ExecCoreHarness(configure: s => s.Configure<JobStoreOptions>(o =>
        {
            o.StateDirectory = _state.Path;
            o.OrphanSweepInterval = TimeSpan.FromDays(1); // the test sweeps by hand
        }));
    }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private JobRecoveryService Recovery => _harness.Services.GetServices<IHostedService>().OfType<JobRecoveryService>().Single();

    private string ClaimsFolder => Path.Combine(_state.Path, "claims");

    /// <summary>Writes an unfinished job of this backend owned by <paramref name="ownerId"/>, as its server would have.</summary>
    private async Task<Job> WriteJobAsync(string ownerId, bool finished = false)
    {
        var job = new Job
        {
            Id = JobTestData.NewId(),
            Kind = JobKind.Batch,
            CreatedAt = ExecCoreHarness.Start,
            CompletedAt = finished ? ExecCoreHarness.Start : null,
            Settings = new JobSettings(1, false, 300_000, 1, false),
            OwnerId = ownerId,
            Backend = JobBackend.Of(new ReplicateOptions()),
            Items = [new JobItem { Index = 0, Model = "acme/flux", Input = JobTestData.Json("""{"prompt": "a fox"}"""), Status = finished ? ItemStatus.Succeeded : ItemStatus.Queued }],
        };
        var file = Path.Combine(_state.Path, "jobs", job.Id + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(job, JobsJsonContext.Default.Job), CT);
        return job;
    }

    /// <summary>Holds <paramref name="ownerId"/>'s lock, as a live server does.</summary>
    private FileStream HoldLock(string ownerId)
    {
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        return new FileStream(OwnerLocks.PathOf(_state.Path, ownerId), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
    }

    [Fact]
    public async Task Sweep_OwnerDiesAfterStart_AdoptsTheJobThoughItsFileNeverChanged()
    {
        var liveOwner = HoldLock("5555-1");
        var job = await WriteJobAsync("5555-1");
        await Recovery.StartAsync(CT);
        await _harness.StateLoaded;
        await Recovery.SweepAsync(CT);
        Assert.Null(_harness.Store.Get(job.Id));

        await liveOwner.DisposeAsync(); // the owner dies: the kernel drops its lock, nobody writes the job file
        await Recovery.SweepAsync(CT);

        var adopted = await _harness.FinishedAsync(job.Id);
        Assert.Equal(_harness.Services.GetRequiredService<ProcessOwnership>().OwnerId, adopted.OwnerId);
        Assert.Equal(ItemStatus.Succeeded, adopted.Items[0].Status);
        Assert.Single(_harness.Api.Creates);
    }

    [Fact]
    public async Task Sweep_ClaimsOfJobsThatAreGone_Removed_OthersKept()
    {
        var kept = await WriteJobAsync("7777-1", finished: true);
        var claims = new JobClaims(_state.Path, "8888-1");
        Assert.True(claims.TryClaim(new OwnedJob(kept.Id, "7777-1")));
        Assert.True(claims.TryClaim(new OwnedJob(JobTestData.NewId(), "7777-1"))); // its job was evicted before this server started
        var evictedLater = await WriteJobAsync("7777-1", finished: true);
        Assert.True(claims.TryClaim(new OwnedJob(evictedLater.Id, "7777-1")));
        await Recovery.StartAsync(CT);
        await _harness.StateLoaded;

        File.Delete(Path.Combine(_state.Path, "jobs", evictedLater.Id + ".json")); // evicted by another server
        await Recovery.SweepAsync(CT);

        Assert.Equal([$"{kept.Id}@7777-1"], Directory.GetFiles(ClaimsFolder).Select(Path.GetFileName));
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _state.Dispose();
    }
}
