using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Tests.Schemas;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.Jobs;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Pipelines;

/// <summary>Run-time template filling and the check of the filled values against the model's schema.</summary>
public sealed class StepInputPreparerTests
{
    private const string GenUrl = "https://replicate.delivery/fake/gen.png";
    private readonly ScriptedReplicateClient _api = new() { AnyModelIsOfficial = true };

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private StepInputPreparer Preparer()
    {
        var time = new FakeTimeProvider(ExecCoreHarness.Start);
        return new(new ModelCatalog(_api, time), new AllowedFolders([Path.GetTempPath()], new LocalFileOptions().MaxFileBytes),
            new InputFileSender(_api, Options.Create(new LocalFileOptions()), time), Microsoft.Extensions.Logging.Abstractions.NullLogger<StepInputPreparer>.Instance);
    }

    /// <summary>gen succeeded with one URL; "up" (acme/flux) waits on it with <paramref name="upInput"/>.</summary>
    private static Job GenThenUp(string upInput, bool validate = true) => new()
    {
        Id = JobTestData.NewId(JobKind.Pipeline),
        Kind = JobKind.Pipeline,
        Settings = new JobSettings(3, false, 300_000, 1, validate),
        Items =
        [
            new JobItem
            {
                Index = 0, StepId = "gen", Model = "acme/gen", Input = JobTestData.Json("{}"), Status = ItemStatus.Succeeded,
                Result = new PredictionResult { PredictionId = "p0", Status = "succeeded", Urls = [GenUrl] },
            },
            new JobItem { Index = 1, StepId = "up", Model = "acme/flux", Input = JobTestData.Json(upInput), DependsOn = ["gen"] },
        ],
    };

    [Fact]
    public async Task PrepareAsync_TemplateOfFinishedStep_SendsItsUrl()
    {
        _api.PublishSchema("acme/flux", CogSchemas.FluxLike);
        var job = GenThenUp("""{"prompt": "a fox", "image": "$gen.urls[0]"}""");

        var prepared = await Preparer().PrepareAsync(JobSteps.InputRequest(job, job.Items[1]), CT);

        Assert.Null(prepared.Error);
        Assert.Equal(GenUrl, prepared.Input.GetProperty("image").GetString());
        Assert.Equal("a fox", prepared.Input.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task PrepareAsync_IndexBeyondTheOutputs_FailsNamingTheStepAndField()
    {
        var job = GenThenUp("""{"prompt": "a fox", "image": "$gen.urls[3]"}""");

        var prepared = await Preparer().PrepareAsync(JobSteps.InputRequest(job, job.Items[1]), CT);

        Assert.NotNull(prepared.Error);
        Assert.StartsWith("steps[up].input: ", prepared.Error, StringComparison.Ordinal);
        Assert.Contains("$gen.urls[3]", prepared.Error, StringComparison.Ordinal);
        Assert.Empty(_api.ModelLookups); // nothing to validate: no schema fetched
    }

    [Fact]
    public async Task PrepareAsync_ResolvedValueBreaksTheSchema_FailsSayingWhich()
    {
        _api.PublishSchema("acme/flux", CogSchemas.FluxLike);
        var job = GenThenUp("""{"prompt": "a fox", "seed": "$gen.urls[0]"}""");

        var prepared = await Preparer().PrepareAsync(JobSteps.InputRequest(job, job.Items[1]), CT);

        Assert.NotNull(prepared.Error);
        Assert.StartsWith("The resolved input does not fit the model's schema: ", prepared.Error, StringComparison.Ordinal);
        Assert.Contains("steps[up].input.seed", prepared.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("network")]
    [InlineData("api")]
    public async Task PrepareAsync_SchemaFetchFails_SendsResolvedInputUnchecked(string fault)
    {
        // Replicate checks the input again on create; the create's own model lookup reports a lasting fault.
        Exception lasting = fault == "network"
            ? new HttpRequestException("Connection reset by peer")
            : new ReplicateMcp.Replicate.ReplicateApiException(HttpStatusCode.ServiceUnavailable, "Replicate answered 503");
        _api.ModelLookupFault = model => model == "acme/flux" ? lasting : null;
        var job = GenThenUp("""{"prompt": "a fox", "image": "$gen.urls[0]"}""");

        var prepared = await Preparer().PrepareAsync(JobSteps.InputRequest(job, job.Items[1]), CT);

        Assert.Null(prepared.Error);
        Assert.Equal(GenUrl, prepared.Input.GetProperty("image").GetString());
        Assert.Equal(["acme/flux"], _api.ModelLookups);
    }

    [Fact]
    public async Task PrepareAsync_SchemaCodeThrowsABug_Propagates()
    {
        // Not a Replicate fault: the scheduler turns it into a failed item (WorkerFailureTests); hiding it here would not.
        _api.ModelLookupFault = model => model == "acme/flux" ? new InvalidOperationException("a bug") : null;
        var job = GenThenUp("""{"prompt": "a fox", "image": "$gen.urls[0]"}""");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Preparer().PrepareAsync(JobSteps.InputRequest(job, job.Items[1]), CT));
    }

    [Fact]
    public async Task PrepareAsync_Batch_InputGoesThroughUnchanged()
    {
        var job = JobTestData.Batch(ExecCoreHarness.Start);

        var prepared = await Preparer().PrepareAsync(JobSteps.InputRequest(job, job.Items[0]), CT);

        Assert.Null(prepared.Error);
        Assert.Equal(job.Items[0].Input.GetRawText(), prepared.Input.GetRawText());
    }
}
