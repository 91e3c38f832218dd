using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using static ReplicateMcp.Tests.TestUtilities.Exec.ExecCoreHarness;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Tests.Jobs;

/// <summary>
/// CONTRACT §7: whatever preparation, the runner or recording the outcome throws, that item ends failed with a
/// message and the job runs on to its end. Every test here hung (job <c>running</c> forever) before the fix.
/// </summary>
public sealed class WorkerFailureTests
{
    // A bound that turns a hang into a failure; a finishing job ends in milliseconds.
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private static async Task<Job> FinishedAsync(ExecCoreHarness harness, string jobId)
    {
        await harness.Executor.WhenStoppedAsync(jobId).WaitAsync(HangBound, CT);
        return harness.Store.Get(jobId) ?? throw new InvalidOperationException($"Job {jobId} is gone.");
    }

    private static JobSpec GenThenUpscale() => Pipeline(3,
        Step("gen", "acme/flux", """{"prompt": "a fox"}"""),
        Step("up", "acme/upscaler", """{"image": "$gen.urls[0]"}""", "gen"));

    [Fact]
    public async Task Pipeline_TemplatedStepSchemaFetchResetsConnection_StepFailsWithMessageAndJobFinishes()
    {
        await using var harness = new ExecCoreHarness();
        harness.Api.ModelLookupFault = model => model == "acme/upscaler" ? new HttpRequestException("Connection reset by peer") : null;

        var started = await harness.Starter.StartAsync(GenThenUpscale(), CT);
        var job = await FinishedAsync(harness, started.Job.Id);

        Assert.True(job.IsFinished);
        Assert.Equal(JobStatus.Partial, job.Status);
        Assert.Equal(ItemStatus.Succeeded, job.Items[0].Status);
        Assert.Equal(ItemStatus.Failed, job.Items[1].Status);
        Assert.Contains("Connection reset by peer", job.Items[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_PreparationThrowsBug_StepFailsNamingTheErrorAndJobFinishes()
    {
        var time = new FakeTimeProvider(Start);
        await using var harness = new ExecCoreHarness(time: time);
        harness.Api.HoldCreates = true;
        var started = await harness.Starter.StartAsync(GenThenUpscale(), CT);

        var gen = await harness.Api.NextHeldCreateAsync(CT);
        // The upscaler's schema was cached at start; let it expire so preparation fetches it again, and fails.
        harness.Api.ModelLookupFault = model => model == "acme/upscaler" ? new InvalidOperationException("a bug in the schema code") : null;
        time.Advance(ModelCatalog.CacheDuration + TimeSpan.FromMinutes(1));
        gen.Succeed("https://replicate.delivery/fake/gen.png");
        var job = await FinishedAsync(harness, started.Job.Id);

        Assert.Equal(JobStatus.Partial, job.Status);
        Assert.Equal(ItemStatus.Failed, job.Items[1].Status);
        Assert.Contains("a bug in the schema code", job.Items[1].Error, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Api.Creates, c => c.Model.ToString() == "acme/upscaler");
    }

    [Theory]
    [InlineData("io")]
    [InlineData("bug")]
    public async Task Batch_RunnerThrows_ThatItemFailsWithMessageAndTheOthersRunOn(string fault)
    {
        await using var harness = new ExecCoreHarness();
        Exception error = fault == "io" ? new IOException("disk went away") : new InvalidOperationException("a bug in the runner");
        harness.Api.DefaultCreate = call => call.Input.GetProperty("prompt").GetString() == "bad"
            ? throw error
            : ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, "https://replicate.delivery/fake/ok.png");

        var started = await harness.Starter.StartAsync(Batch(3, Item("acme/flux", """{"prompt": "bad"}"""), Item("acme/flux"), Item("acme/flux")), CT);
        var job = await FinishedAsync(harness, started.Job.Id);

        Assert.Equal(JobStatus.Partial, job.Status);
        Assert.Equal(ItemStatus.Failed, job.Items[0].Status);
        Assert.Contains(error.Message, job.Items[0].Error, StringComparison.Ordinal);
        Assert.All(job.Items.Skip(1), i => Assert.Equal(ItemStatus.Succeeded, i.Status));
    }

    [Fact]
    public async Task Pipeline_RunnerThrowsBugInFirstStep_DownstreamSkippedAndJobFinishes()
    {
        await using var harness = new ExecCoreHarness();
        harness.Api.DefaultCreate = _ => throw new InvalidOperationException("a bug in the runner");

        var started = await harness.Starter.StartAsync(GenThenUpscale(), CT);
        var job = await FinishedAsync(harness, started.Job.Id);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(ItemStatus.Failed, job.Items[0].Status);
        Assert.Equal(ItemStatus.Skipped, job.Items[1].Status);
        Assert.Equal("depends on step 'gen', which ended failed", job.Items[1].SkipReason);
    }

    [Fact]
    public async Task Batch_RecordingAnOutcomeFailsOnFullDisk_ThatItemFailsSayingSoAndTheJobFinishes()
    {
        // Saving item 0's success throws; saving anything else works.
        var persistence = new FailingJobPersistence(j => j.Items[0].Status == ItemStatus.Succeeded);
        await using var harness = new ExecCoreHarness(configure: s => s.AddSingleton<IJobPersistence>(persistence));

        var started = await harness.Starter.StartAsync(Batch(1, Item("acme/flux"), Item("acme/flux")), CT);
        var job = await FinishedAsync(harness, started.Job.Id);

        Assert.NotEmpty(persistence.Refused);
        Assert.True(job.IsFinished);
        Assert.Equal(ItemStatus.Failed, job.Items[0].Status);
        Assert.Contains("No space left on device", job.Items[0].Error, StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Succeeded, job.Items[1].Status);
        Assert.Equal(JobStatus.Partial, job.Status);
    }
}
