using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using static ReplicateMcp.Tests.TestUtilities.Exec.ExecCoreHarness;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.Jobs.Storage;

/// <summary>
/// CONTRACT §6 "Fail closed", against the real <see cref="JsonFileJobPersistence"/> on a state folder the operating
/// system refuses to write (<see cref="UnwritableStateFolder"/>): what must be on disk before money is spent is on
/// disk, or the money is not spent. On fea536c every save here returned as if it had worked.
/// </summary>
public sealed class FailClosedTests : IDisposable
{
    private readonly UnwritableStateFolder _folder = new();

    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private ExecCoreHarness CreateHarness() => new(
        time: new FakeTimeProvider(Start),
        extraSettings: new Dictionary<string, string?> { ["Jobs:StateDirectory"] = _folder.Path });

    private static Job NewJob() => new()
    {
        Id = JobTestData.NewId(JobKind.Batch),
        Kind = JobKind.Batch,
        CreatedAt = Start,
        Items = [new JobItem { Index = 0, Model = "acme/flux", Input = JobTestData.Json("""{"prompt": "a fox"}"""), Status = ItemStatus.Queued }],
    };

    [Fact]
    public async Task DurableSave_FolderCannotBeWritten_ThrowsNamingTheFolderAndTheSystemsReason()
    {
        var persistence = new JsonFileJobPersistence(_folder.Path, TimeSpan.FromMilliseconds(100), TimeProvider.System, NullLogger<JsonFileJobPersistence>.Instance);
        _folder.Block();

        var refused = await Assert.ThrowsAnyAsync<IOException>(() => persistence.SaveAsync(NewJob(), durable: true, CT));

        Assert.Contains(_folder.JobsFolder, refused.Message, StringComparison.Ordinal);
        Assert.Contains(_folder.Reason, refused.Message, StringComparison.OrdinalIgnoreCase);
        _folder.Unblock();
        Assert.Empty(Directory.GetFiles(_folder.JobsFolder)); // no half-written temp file keeps the disk full
    }

    [Fact]
    public async Task Start_JobCannotBeRecorded_RefusedNamingTheFolderAndReason_NothingCreated_AndWithRoomAgainTheNextStartRuns()
    {
        await using var harness = CreateHarness();
        _folder.Block();

        var refused = await Assert.ThrowsAsync<JobStartException>(() => harness.Starter.StartAsync(Batch(3, Item("acme/flux"), Item("acme/flux")), CT));

        var text = JobService.RefusalText(refused);
        Assert.StartsWith("Nothing was started", text, StringComparison.Ordinal);
        Assert.Contains(_folder.JobsFolder, text, StringComparison.Ordinal);
        Assert.Contains(_folder.Reason, text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(harness.Api.Creates);
        Assert.Empty(harness.Store.List()); // no job a restart could not find

        _folder.Unblock();
        await harness.Services.GetRequiredService<IJobPersistence>().FlushAsync(CT); // as at stop: the refused job never reaches the disk
        Assert.Empty(Directory.GetFiles(_folder.JobsFolder, "*.json"));
        var started = await harness.Starter.StartAsync(Batch(3, Item("acme/flux")), CT);
        var job = await harness.FinishedAsync(started.Job.Id);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.True(File.Exists(Path.Combine(_folder.JobsFolder, job.Id + ".json")));
    }

    [Fact]
    public async Task Retry_RecordCannotBeSaved_RefusedNamingTheFolderAndReason_NothingCreated_AndTheJobStaysAsItWas()
    {
        await using var harness = CreateHarness();
        harness.Api.ScriptCreate("acme/broken", call => ScriptedReplicateClient.Failed(call.PredictionId, "CUDA error"));
        var started = await harness.Starter.StartAsync(Batch(2, Item("acme/flux"), Item("acme/broken")), CT);
        var finished = await harness.FinishedAsync(started.Job.Id);
        Assert.Equal(JobStatus.Partial, finished.Status);
        var creates = harness.Api.Creates.Count;
        _folder.Block();

        var refused = await Assert.ThrowsAsync<JobStartException>(() =>
            harness.Services.GetRequiredService<JobRetrier>().RetryAsync(JobKind.Batch, finished.Id, "job_id", null, CT));

        var text = JobRetrier.RefusalText(refused);
        Assert.StartsWith("Nothing was run again", text, StringComparison.Ordinal);
        Assert.Contains(_folder.Path, text, StringComparison.Ordinal);
        Assert.Contains(_folder.Reason, text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(creates, harness.Api.Creates.Count);
        var after = harness.Store.Get(finished.Id)!;
        Assert.Equal(JobStatus.Partial, after.Status); // never left running with nothing running
        Assert.Equal(finished.Items.Select(i => i.Status), after.Items.Select(i => i.Status));
    }

    [Fact]
    public async Task Item_IntentCannotBeRecorded_FailsNamingTheFolderAndReason_AndIsNeverCreated()
    {
        await using var harness = CreateHarness();
        harness.Api.HoldCreates = true;
        var started = await harness.Starter.StartAsync(Batch(1, Item("acme/flux", """{"prompt": "first"}"""), Item("acme/flux", """{"prompt": "second"}""")), CT);
        var first = await harness.Api.NextHeldCreateAsync(CT);

        _folder.Block(); // the disk fills while the first create is held open
        first.Succeed("https://replicate.delivery/fake/first.png");
        // Bounded: on fea536c the second create was sent (and held) while its intent was on no disk.
        await harness.Executor.WhenStoppedAsync(started.Job.Id).WaitAsync(HangBound, CT);
        var job = harness.Store.Get(started.Job.Id)!;

        Assert.Single(harness.Api.Creates); // the second item's create was never sent
        var second = job.Items[1];
        Assert.Equal(ItemStatus.Failed, second.Status);
        Assert.Null(second.PredictionId);
        Assert.Contains(_folder.JobsFolder, second.Error, StringComparison.Ordinal);
        Assert.Contains(_folder.Reason, second.Error, StringComparison.OrdinalIgnoreCase);

        _folder.Unblock();
        harness.Api.HoldCreates = false;
        var next = await harness.Starter.StartAsync(Batch(1, Item("acme/flux", """{"prompt": "third"}""")), CT);
        Assert.Equal(JobStatus.Succeeded, (await harness.FinishedAsync(next.Job.Id)).Status);
    }

    [Fact]
    public async Task Adoption_OwnershipCannotBeRecorded_TheOrphanDoesNotRun_AndWithRoomAgainTheNextSweepAdoptsIt()
    {
        var orphan = new Job
        {
            Id = JobTestData.NewId(JobKind.Batch),
            Kind = JobKind.Batch,
            CreatedAt = Start,
            Settings = new JobSettings(1, false, 300_000, 1, false),
            OwnerId = "7777-1", // no lock: its server died
            Backend = JobBackend.Of(new ReplicateMcp.Replicate.ReplicateOptions()),
            Items = [new JobItem { Index = 0, Model = "acme/flux", Input = JobTestData.Json("""{"prompt": "a fox"}"""), Status = ItemStatus.Queued }],
        };
        await File.WriteAllTextAsync(Path.Combine(_folder.JobsFolder, orphan.Id + ".json"), System.Text.Json.JsonSerializer.Serialize(orphan, JobsJsonContext.Default.Job), CT);
        await using var harness = new ExecCoreHarness(time: new FakeTimeProvider(Start), configure: s => s.Configure<JobStoreOptions>(o =>
        {
            o.StateDirectory = _folder.Path;
            o.OrphanSweepInterval = TimeSpan.FromDays(1); // the test sweeps by hand
        }));
        var recovery = harness.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ReplicateMcp.Jobs.Ownership.JobRecoveryService>().Single();
        _folder.Block();

        await recovery.StartAsync(CT);
        await harness.StateLoaded;

        Assert.Null(harness.Store.Get(orphan.Id)); // not run while the file still names the dead owner
        Assert.Empty(harness.Api.Creates);

        _folder.Unblock();
        await recovery.SweepAsync(CT);
        Assert.NotNull(harness.Store.Get(orphan.Id)); // on fea536c the claim written on the full disk stayed empty and blocked the job for good
        await harness.Executor.WhenStoppedAsync(orphan.Id).WaitAsync(HangBound, CT);
        Assert.Single(harness.Api.Creates);
    }
}
