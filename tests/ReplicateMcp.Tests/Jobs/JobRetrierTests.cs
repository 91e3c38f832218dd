using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Service;
using ReplicateMcp.Jobs.Ownership;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>A retry of a job another (dead) server finished, on a real state folder: read from disk, claimed once per round.</summary>
public sealed class JobRetrierTests : IAsyncDisposable
{
    private readonly TempDirectory _state = new();
    private readonly ExecCoreHarness _core;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public JobRetrierTests() =>
        _core = new ExecCoreHarness(extraSettings: new Dictionary<string, string?> { ["Jobs:StateDirectory"] = _state.Path });

    public async ValueTask DisposeAsync()
    {
        await _core.DisposeAsync();
        _state.Dispose();
    }

    private JobRetrier Retrier => _core.Services.GetRequiredService<JobRetrier>();

    /// <summary>A finished batch of two (the second failed) saved by a server that has gone (no owner lock).</summary>
    private async Task<Job> SaveDeadServersJobAsync()
    {
        var now = _core.Time.GetUtcNow();
        var job = JobTestData.Batch(now, items: 2) with
        {
            CompletedAt = now,
            OwnerId = "4242-1",
            Backend = JobBackend.Of(_core.Services.GetRequiredService<IOptions<ReplicateOptions>>().Value),
        };
        job = job.WithItem(0, i => i with { Status = ItemStatus.Succeeded, PredictionId = "first" })
            .WithItem(1, i => i with { Status = ItemStatus.Failed, PredictionId = "second", Error = "CUDA error" });
        await _core.Services.GetRequiredService<IJobPersistence>().SaveAsync(job, durable: true, CT);
        return job;
    }

    [Fact]
    public async Task RetryAsync_AnotherProcessClaimedThisRound_RefusesAndCreatesNothing()
    {
        var job = await SaveDeadServersJobAsync();
        var claim = Path.Combine(_state.Path, "claims", $"{job.Id}@retry-0");
        Directory.CreateDirectory(Path.GetDirectoryName(claim)!);
        // The claimant is alive: it holds its owner lock (a claim of a dead claimant would be taken over).
        Directory.CreateDirectory(OwnerLocks.Folder(_state.Path));
        using var alive = new FileStream(OwnerLocks.PathOf(_state.Path, "8888-1"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        await File.WriteAllTextAsync(claim, "8888-1\n", CT);

        var refused = await Assert.ThrowsAsync<JobStartException>(() => Retrier.RetryAsync(JobKind.Batch, job.Id, "job_id", null, CT));

        Assert.Contains("is being retried by another replicate-mcp process", Assert.Single(refused.Problems));
        Assert.Empty(_core.Api.Creates);
        Assert.Equal(job.OwnerId, _core.Services.GetRequiredService<IJobPersistence>().TryLoad(job.Id)!.OwnerId);
    }

    [Fact]
    public async Task RetryAsync_DeadServersFinishedJob_ClaimsItRecordsThisOwnerAndRunsOnlyTheFailedItem()
    {
        var job = await SaveDeadServersJobAsync();
        var owner = _core.Services.GetRequiredService<ProcessOwnership>().OwnerId;

        var outcome = await Retrier.RetryAsync(JobKind.Batch, job.Id, "job_id", null, CT);

        Assert.True(File.Exists(Path.Combine(_state.Path, "claims", $"{job.Id}@retry-0")));
        Assert.Equal(owner, outcome.Job.OwnerId);
        var done = await _core.FinishedAsync(job.Id);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal("first", done.Items[0].PredictionId);
        Assert.Single(_core.Api.Creates);
        var saved = _core.Services.GetRequiredService<IJobPersistence>().TryLoad(job.Id)!;
        Assert.Equal((Job.FormatVersion, owner), (saved.Version, saved.OwnerId));
        Assert.Equal(new ItemAttempt("second", ItemStatus.Failed, "CUDA error"), Assert.Single(saved.Items[1].Attempts));
    }
}
