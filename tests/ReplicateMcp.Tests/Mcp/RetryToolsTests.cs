using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Ownership;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Mcp;

/// <summary>replicate_batch_retry and replicate_pipeline_retry through a real MCP client (CONTRACT §10).</summary>
public sealed class RetryToolsTests : IAsyncLifetime
{
    private McpToolsHarness _mcp = null!;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _mcp = await McpToolsHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _mcp.DisposeAsync();

    private const string FiveItems = """
        {"items": [
          {"model": "acme/flux", "input": {"prompt": "a"}}, {"model": "acme/flaky", "input": {"prompt": "b"}}, {"model": "acme/flux", "input": {"prompt": "c"}},
          {"model": "acme/flaky", "input": {"prompt": "d"}}, {"model": "acme/flux", "input": {"prompt": "e"}}], "download": false}
        """;

    /// <summary>acme/flaky fails the first create of each input and succeeds after; acme/bad always fails.</summary>
    private void ScriptFlaky()
    {
        var seen = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        _mcp.Api.DefaultCreate = call =>
            call.Model.Name == "bad" || (call.Model.Name == "flaky" && seen.TryAdd(call.Input.GetRawText(), true))
                ? ScriptedReplicateClient.Failed(call.PredictionId, "CUDA error: an illegal memory access was encountered")
                : ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png");
    }

    [Fact]
    public async Task BatchRetry_TwoFlakyOfFive_SameJobSucceedsWithSevenPredictionsAndKeepsAttempts()
    {
        ScriptFlaky();
        var jobId = (await _mcp.CallAsync("replicate_batch_start", FiveItems)).StructuredContent!.Value.GetProperty("job_id").GetString()!;
        var first = await _mcp.Core.FinishedAsync(jobId);
        Assert.Equal(JobStatus.Partial, first.Status);
        var failedIds = new[] { first.Items[1].PredictionId, first.Items[3].PredictionId };

        var retry = await _mcp.CallAsync("replicate_batch_retry", $$"""{"job_id": "{{jobId}}"}""");

        Assert.NotEqual(true, retry.IsError);
        var answer = retry.StructuredContent!.Value;
        Assert.Equal(jobId, answer.GetProperty("job_id").GetString());
        Assert.Equal(5, answer.GetProperty("total").GetInt32());
        Assert.Equal("running", answer.GetProperty("status").GetString());
        Assert.Contains("2 items will run again (1, 3)", answer.GetProperty("message").GetString());
        var done = await _mcp.Core.FinishedAsync(jobId);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(7, _mcp.Api.Creates.Count);
        Assert.Equal(["b", "d"], _mcp.Api.Creates.Skip(5).Select(c => c.Input.GetProperty("prompt").GetString()).Order());

        var status = (await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}"}""")).StructuredContent!.Value;
        var items = status.GetProperty("items");
        foreach (var (index, failedId) in new[] { (1, failedIds[0]), (3, failedIds[1]) })
        {
            var attempts = items[index].GetProperty("result").GetProperty("attempts");
            var attempt = Assert.Single(attempts.EnumerateArray());
            Assert.Equal(failedId, attempt.GetProperty("prediction_id").GetString());
            Assert.Equal("failed", attempt.GetProperty("status").GetString());
            Assert.Contains("CUDA error", attempt.GetProperty("error").GetString());
            Assert.NotEqual(failedId, items[index].GetProperty("prediction_id").GetString());
        }
        Assert.All(new[] { 0, 2, 4 }, i => Assert.Empty(items[i].GetProperty("result").GetProperty("attempts").EnumerateArray()));

        var nothing = await _mcp.CallAsync("replicate_batch_retry", $$"""{"job_id": "{{jobId}}"}""");
        Assert.True(nothing.IsError);
        Assert.Contains("Nothing to retry: every item", McpToolsHarness.Text(nothing));
        Assert.Equal(7, _mcp.Api.Creates.Count);
    }

    [Theory]
    [InlineData("""{"items": [0]}""", "items[0] succeeded")]
    [InlineData("""{"items": [1, 7]}""", "items: items[7] does not exist")]
    [InlineData("""{"items": [0, 1, 2]}""", "items[2] succeeded")]
    [InlineData("""{"items": [-1]}""", "items[0]: -1 given, allowed 0–49")]
    [InlineData("""{"items": "1"}""", "items: \"1\" given, expected an array")]
    [InlineData("""{"items": [1], "steps": ["x"]}""", "\"steps\": unknown argument")]
    public async Task BatchRetry_BadRequest_RefusesNamingItAndCreatesNothing(string extra, string expected)
    {
        ScriptFlaky();
        var jobId = (await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {}}, {"model": "acme/bad", "input": {}}, {"model": "acme/flux", "input": {}}], "download": false}"""))
            .StructuredContent!.Value.GetProperty("job_id").GetString()!;
        await _mcp.Core.FinishedAsync(jobId);
        var arguments = JsonDocument.Parse(extra).RootElement.EnumerateObject().Aggregate($$"""{"job_id": "{{jobId}}" """, (json, p) => json + $", \"{p.Name}\": {p.Value.GetRawText()}") + "}";

        var refused = await _mcp.CallAsync("replicate_batch_retry", arguments);

        Assert.True(refused.IsError);
        Assert.Contains(expected, McpToolsHarness.Text(refused));
        Assert.Equal(3, _mcp.Api.Creates.Count);
        Assert.Equal(JobStatus.Partial, _mcp.Core.Store.Get(jobId)!.Status);
    }

    [Fact]
    public async Task BatchRetry_UnknownOrWrongKindOfId_SaysResultsExpire()
    {
        var pipelineId = JobIds.New(JobKind.Pipeline);
        var unknown = await _mcp.CallAsync("replicate_batch_retry", $$"""{"job_id": "{{pipelineId}}"}""");
        var missing = await _mcp.CallAsync("replicate_pipeline_retry", "{}");

        Assert.True(unknown.IsError);
        Assert.Contains("ttl_hours", McpToolsHarness.Text(unknown));
        Assert.Contains("pipeline_id: missing", McpToolsHarness.Text(missing));
    }

    [Fact]
    public async Task BatchRetry_WhileRunning_OnlyEndedItemsRunAgainAfterTheRest()
    {
        _mcp.Api.HoldCreates = true;
        var jobId = (await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {"prompt": "a"}}, {"model": "acme/flux", "input": {"prompt": "b"}}], "download": false}"""))
            .StructuredContent!.Value.GetProperty("job_id").GetString()!;
        var creates = new[] { await _mcp.Api.NextHeldCreateAsync(CT), await _mcp.Api.NextHeldCreateAsync(CT) }.OrderBy(c => c.Input.GetProperty("prompt").GetString()).ToArray();
        creates[1].Fail("NSFW content detected");
        await _mcp.Core.WaitForAsync(jobId, j => j.Items[1].Status == ItemStatus.Failed);

        var stillRunning = await _mcp.CallAsync("replicate_batch_retry", $$"""{"job_id": "{{jobId}}", "items": [0, 1]}""");
        var retry = await _mcp.CallAsync("replicate_batch_retry", $$"""{"job_id": "{{jobId}}"}""");

        Assert.True(stillRunning.IsError);
        Assert.Contains("items[0] is still running", McpToolsHarness.Text(stillRunning));
        Assert.NotEqual(true, retry.IsError);
        Assert.Contains("1 item will run again (1)", McpToolsHarness.Text(retry));
        Assert.Equal(ItemStatus.Queued, _mcp.Core.Store.Get(jobId)!.Items[1].Status);
        creates[0].Succeed("https://replicate.delivery/fake/a.png");
        var again = await _mcp.Api.NextHeldCreateAsync(CT);
        Assert.Equal("b", again.Input.GetProperty("prompt").GetString());
        again.Succeed("https://replicate.delivery/fake/b.png");
        var done = await _mcp.Core.FinishedAsync(jobId);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(3, _mcp.Api.Creates.Count);
        Assert.Equal(ItemStatus.Failed, Assert.Single(done.Items[1].Attempts).Status);
    }

    [Fact]
    public async Task BatchRetry_AfterCancel_RunsTheCanceledItemsAgain()
    {
        _mcp.Api.HoldCreates = true;
        var jobId = (await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {"prompt": "a"}}, {"model": "acme/flux", "input": {"prompt": "b"}}], "concurrency": 1, "download": false}"""))
            .StructuredContent!.Value.GetProperty("job_id").GetString()!;
        var held = await _mcp.Api.NextHeldCreateAsync(CT);
        var cancel = _mcp.CallAsync("replicate_batch_cancel", $$"""{"job_id": "{{jobId}}"}""");
        held.Start();
        await cancel;
        Assert.Equal(JobStatus.Canceled, (await _mcp.Core.FinishedAsync(jobId)).Status);

        var retry = await _mcp.CallAsync("replicate_batch_retry", $$"""{"job_id": "{{jobId}}"}""");
        Assert.Contains("2 items will run again", McpToolsHarness.Text(retry));
        (await _mcp.Api.NextHeldCreateAsync(CT)).Succeed("https://replicate.delivery/fake/a.png");
        (await _mcp.Api.NextHeldCreateAsync(CT)).Succeed("https://replicate.delivery/fake/b.png");

        var done = await _mcp.Core.FinishedAsync(jobId);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.False(done.CanceledByUser);
        Assert.All(done.Items, i => Assert.Equal(ItemStatus.Canceled, Assert.Single(i.Attempts).Status));
    }

    [Fact]
    public async Task PipelineRetry_MiddleStepFailed_ResumesWithoutRecreatingTheFirstAndRunsTheSkippedAgain()
    {
        ScriptFlaky();
        var id = await StartPipelineAsync("""
            {"steps": [
              {"id": "gen", "model": "acme/flux", "input": {"prompt": "a fox"}},
              {"id": "up", "model": "acme/flaky", "input": {"image": "$gen.urls[0]"}},
              {"id": "cap", "model": "acme/caption", "input": {"image": "$up.urls[0]"}}], "download": false}
            """);
        var first = await _mcp.Core.FinishedAsync(id);
        Assert.Equal([ItemStatus.Succeeded, ItemStatus.Failed, ItemStatus.Skipped], first.Items.Select(i => i.Status));

        var retry = await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{id}}"}""");

        Assert.NotEqual(true, retry.IsError);
        Assert.Equal(id, retry.StructuredContent!.Value.GetProperty("pipeline_id").GetString());
        Assert.Contains("2 steps will run again (up, cap)", McpToolsHarness.Text(retry));
        var done = await _mcp.Core.FinishedAsync(id);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(["acme/flux", "acme/flaky", "acme/flaky", "acme/caption"], _mcp.Api.Creates.Select(c => c.Model.FullName));
        Assert.Equal(first.Items[0].Result!.Urls[0], _mcp.Api.Creates.ElementAt(2).Input.GetProperty("image").GetString());
        Assert.Equal(first.Items[0].PredictionId, done.Items[0].PredictionId);
        Assert.Equal(ItemStatus.Skipped, Assert.Single(done.Items[2].Attempts).Status);
        Assert.Contains("'up'", done.Items[2].Attempts[0].Error);
        Assert.Empty(done.Items[0].Attempts);
    }

    [Fact]
    public async Task PipelineRetry_NamedSkippedStepWithoutItsCause_RefusesNamingTheCause()
    {
        ScriptFlaky();
        var id = await StartPipelineAsync("""
            {"steps": [{"id": "gen", "model": "acme/bad", "input": {}}, {"id": "up", "model": "acme/flux", "input": {"image": "$gen.urls[0]"}},
                       {"id": "ok", "model": "acme/flux", "input": {}}], "download": false}
            """);
        await _mcp.Core.FinishedAsync(id);

        var skippedOnly = await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{id}}", "steps": ["up"]}""");
        var succeeded = await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{id}}", "steps": ["ok", "nope"]}""");

        Assert.Contains("steps[up] was skipped because 'gen' did not succeed", McpToolsHarness.Text(skippedOnly));
        Assert.Contains("steps[ok] succeeded", McpToolsHarness.Text(succeeded));
        Assert.Contains("steps[nope] does not exist", McpToolsHarness.Text(succeeded));
        Assert.Contains("its steps are gen, up, ok", McpToolsHarness.Text(succeeded));
        Assert.Equal(2, _mcp.Api.Creates.Count);
    }

    [Fact]
    public async Task PipelineRetry_UpstreamOutputsExpired_SendsItsDownloadedFileInstead()
    {
        var file = Path.Combine(_mcp.Core.DownloadDirectory, "pipe", "gen", "output-0.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10], CT);
        var job = await AddFinishedPipelineAsync(localPaths: [file]);
        _mcp.Api.GetAnswer = predictionId => new Prediction { Id = predictionId, Status = PredictionStatuses.Succeeded, DataRemoved = true };

        var retry = await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{job.Id}}"}""");

        Assert.NotEqual(true, retry.IsError);
        Assert.Contains("The outputs of step gen have expired on Replicate: their downloaded files are sent instead.", McpToolsHarness.Text(retry));
        var done = await _mcp.Core.FinishedAsync(job.Id);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        var create = Assert.Single(_mcp.Api.Creates);
        Assert.Equal("acme/upscale", create.Model.FullName);
        Assert.StartsWith("data:image/png;base64,", create.Input.GetProperty("image").GetString());
        Assert.Equal(["genprediction"], _mcp.Api.Gets);
    }

    [Fact]
    public async Task PipelineRetry_UpstreamOutputExpiredAndOver256KB_UploadsTheDownloadedFile()
    {
        var file = Path.Combine(_mcp.Core.DownloadDirectory, "pipe", "gen", "output-0.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, new byte[300 * 1024], CT);
        var job = await AddFinishedPipelineAsync(localPaths: [file]);
        _mcp.Api.GetAnswer = predictionId => new Prediction { Id = predictionId, Status = PredictionStatuses.Succeeded, DataRemoved = true };

        await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{job.Id}}"}""");
        await _mcp.Core.FinishedAsync(job.Id);

        var upload = Assert.Single(_mcp.Api.Uploads);
        Assert.Equal(("output-0.png", 300 * 1024), (upload.FileName, upload.Content.Length));
        Assert.Equal("https://api.replicate.com/v1/files/file1", Assert.Single(_mcp.Api.Creates).Input.GetProperty("image").GetString());
    }

    [Fact]
    public async Task PipelineRetry_UpstreamOutputsExpiredAndNotDownloaded_RefusesNamingTheStep()
    {
        var job = await AddFinishedPipelineAsync(localPaths: []);
        _mcp.Api.GetAnswer = predictionId => new Prediction { Id = predictionId, Status = PredictionStatuses.Succeeded, DataRemoved = true };

        var retry = await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{job.Id}}"}""");

        Assert.True(retry.IsError);
        Assert.Contains("steps[gen]: its output files have expired on Replicate and the pipeline ran with download: false", McpToolsHarness.Text(retry));
        Assert.Empty(_mcp.Api.Creates);
        Assert.Equal(JobStatus.Partial, _mcp.Core.Store.Get(job.Id)!.Status);
    }

    [Fact]
    public async Task PipelineRetry_UpstreamOutputsStillThere_SendsTheirUrls()
    {
        var job = await AddFinishedPipelineAsync(localPaths: []);
        _mcp.Api.Seed(new Prediction { Id = "genprediction", Status = PredictionStatuses.Succeeded });

        var retry = await _mcp.CallAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{job.Id}}"}""");
        Assert.NotEqual(true, retry.IsError);
        await _mcp.Core.FinishedAsync(job.Id);

        Assert.Equal("https://replicate.delivery/fake/gen.png", Assert.Single(_mcp.Api.Creates).Input.GetProperty("image").GetString());
    }

    /// <summary>A finished pipeline of this process: gen succeeded (with <paramref name="localPaths"/>), up failed on it.</summary>
    private async Task<Job> AddFinishedPipelineAsync(string[] localPaths)
    {
        var services = _mcp.Core.Services;
        var now = _mcp.Core.Time.GetUtcNow();
        var job = new Job
        {
            Id = JobIds.New(JobKind.Pipeline),
            Kind = JobKind.Pipeline,
            CreatedAt = now,
            CompletedAt = now,
            Settings = new JobSettings(3, localPaths.Length > 0, 300_000, 1, true),
            OwnerId = services.GetRequiredService<ProcessOwnership>().OwnerId,
            Backend = JobBackend.Of(services.GetRequiredService<IOptions<ReplicateOptions>>().Value),
            Items =
            [
                new JobItem
                {
                    Index = 0, StepId = "gen", Model = "acme/flux", Input = ExecCoreHarness.Json("""{"prompt": "a fox"}"""), Status = ItemStatus.Succeeded, PredictionId = "genprediction",
                    Result = new PredictionResult { PredictionId = "genprediction", Status = "succeeded", Urls = ["https://replicate.delivery/fake/gen.png"], LocalPaths = localPaths },
                },
                new JobItem
                {
                    Index = 1, StepId = "up", Model = "acme/upscale", Input = ExecCoreHarness.Json("""{"image": "$gen.urls[0]"}"""), DependsOn = ["gen"],
                    Status = ItemStatus.Failed, PredictionId = "upprediction", Error = "CUDA out of memory",
                },
            ],
        };
        await _mcp.Core.Store.AddAsync(job, CT);
        return job;
    }

    private async Task<string> StartPipelineAsync(string arguments)
    {
        var start = await _mcp.CallAsync("replicate_pipeline_start", arguments);
        Assert.NotEqual(true, start.IsError);
        return start.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;
    }
}
