using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Mcp;

public sealed class ToolsTests : IAsyncLifetime
{
    private McpToolsHarness _mcp = null!;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _mcp = await McpToolsHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _mcp.DisposeAsync();

    private const string OneItem = """{"items": [{"model": "acme/flux", "input": {"prompt": "a fox"}}], "download": false}""";

    [Fact]
    public async Task ListTools_AllThirteen_HaveContractBoundsDefaultsHintsAndOutputSchemas()
    {
        var tools = (await _mcp.Client.ListToolsAsync(cancellationToken: CT)).ToDictionary(t => t.Name, t => t.ProtocolTool);

        Assert.Equal(
            ["replicate_batch_cancel", "replicate_batch_retry", "replicate_batch_start", "replicate_batch_status", "replicate_get_model_schema", "replicate_get_prediction",
             "replicate_list_files", "replicate_list_jobs", "replicate_pipeline_cancel", "replicate_pipeline_retry", "replicate_pipeline_start", "replicate_pipeline_status",
             "replicate_search_models"],
            tools.Keys.Order(StringComparer.Ordinal));
        Assert.All(tools.Values, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description));
            Assert.False(string.IsNullOrWhiteSpace(t.Title ?? t.Annotations?.Title));
            Assert.NotNull(t.OutputSchema);
            Assert.Equal("object", t.OutputSchema!.Value.GetProperty("type").GetString());
            Assert.Equal("object", t.InputSchema.GetProperty("type").GetString());
        });

        string[] readOnly = ["replicate_batch_status", "replicate_pipeline_status", "replicate_list_jobs", "replicate_get_model_schema", "replicate_search_models", "replicate_get_prediction",
            "replicate_list_files"];
        Assert.All(tools, p => Assert.Equal(readOnly.Contains(p.Key), p.Value.Annotations?.ReadOnlyHint == true));

        AssertArray(tools["replicate_batch_start"], "items", 1, 50);
        AssertInt(tools["replicate_batch_start"], "concurrency", 1, 10, 3);
        AssertInt(tools["replicate_batch_start"], "timeout_ms_per_item", 5000, 1_800_000, 300_000);
        AssertInt(tools["replicate_batch_start"], "ttl_hours", 1, 72, 1);
        AssertBool(tools["replicate_batch_start"], "download", true);
        AssertBool(tools["replicate_batch_start"], "validate", true);
        AssertRequired(tools["replicate_batch_start"], "items");

        AssertArray(tools["replicate_pipeline_start"], "steps", 1, 20);
        AssertInt(tools["replicate_pipeline_start"], "concurrency", 1, 5, 3);
        AssertInt(tools["replicate_pipeline_start"], "timeout_ms_per_step", 5000, 1_800_000, 300_000);
        AssertInt(tools["replicate_pipeline_start"], "ttl_hours", 1, 72, 1);
        AssertBool(tools["replicate_pipeline_start"], "download", true);
        AssertBool(tools["replicate_pipeline_start"], "validate", true);
        AssertRequired(tools["replicate_pipeline_start"], "steps");

        AssertInt(tools["replicate_batch_status"], "wait_seconds", 0, 50, 0);
        AssertBool(tools["replicate_batch_status"], "include_results", true);
        AssertRequired(tools["replicate_batch_status"], "job_id");
        AssertInt(tools["replicate_pipeline_status"], "wait_seconds", 0, 50, 0);
        AssertBool(tools["replicate_pipeline_status"], "include_outputs", true);
        AssertRequired(tools["replicate_pipeline_status"], "pipeline_id");
        AssertRequired(tools["replicate_batch_cancel"], "job_id");
        AssertRequired(tools["replicate_pipeline_cancel"], "pipeline_id");
        AssertRequired(tools["replicate_batch_retry"], "job_id");
        AssertArray(tools["replicate_batch_retry"], "items", 1, 50);
        Assert.Equal(49, tools["replicate_batch_retry"].InputSchema.GetProperty("properties").GetProperty("items").GetProperty("items").GetProperty("maximum").GetInt32());
        AssertRequired(tools["replicate_pipeline_retry"], "pipeline_id");
        AssertArray(tools["replicate_pipeline_retry"], "steps", 1, 20);
        foreach (var tool in new[] { "replicate_batch_retry", "replicate_pipeline_retry" })
        {
            Assert.Single(tools[tool].InputSchema.GetProperty("required").EnumerateArray());
            Assert.Equal(tools[tool.Replace("retry", "start", StringComparison.Ordinal)].OutputSchema!.Value.GetRawText(), tools[tool].OutputSchema!.Value.GetRawText());
            Assert.Equal(false, tools[tool].Annotations?.DestructiveHint);
        }
        AssertInt(tools["replicate_search_models"], "limit", 1, 50, 10);
        AssertRequired(tools["replicate_search_models"], "query");
        AssertInt(tools["replicate_list_files"], "limit", 1, 500, 100);
        Assert.Equal("*", tools["replicate_list_files"].InputSchema.GetProperty("properties").GetProperty("pattern").GetProperty("default").GetString());
        Assert.False(tools["replicate_list_files"].InputSchema.TryGetProperty("required", out _));
        AssertRequired(tools["replicate_get_model_schema"], "model");
        AssertBool(tools["replicate_get_prediction"], "download", false);
        AssertRequired(tools["replicate_get_prediction"], "prediction_id");
        Assert.Empty(tools["replicate_list_jobs"].InputSchema.GetProperty("properties").EnumerateObject());
        foreach (var tool in new[] { "replicate_batch_status", "replicate_pipeline_status", "replicate_get_prediction" })
            AssertBool(tools[tool], "preview", false);
        foreach (var tool in new[] { "replicate_batch_start", "replicate_pipeline_start" })
        {
            var key = tools[tool].InputSchema.GetProperty("properties").GetProperty("idempotency_key");
            Assert.Equal(("string", 1, 100), (key.GetProperty("type").GetString(), key.GetProperty("minLength").GetInt32(), key.GetProperty("maxLength").GetInt32()));
            Assert.DoesNotContain("idempotency_key", tools[tool].InputSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        }
    }

    [Fact]
    public async Task CallTool_PreviewAndIdempotencyKey_AreAccepted()
    {
        var start = await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {}}], "download": false, "idempotency_key": "once"}""");
        Assert.NotEqual(true, start.IsError);
        var jobId = start.StructuredContent!.Value.GetProperty("job_id").GetString()!;
        await _mcp.Core.FinishedAsync(jobId);
        var pipeline = await _mcp.CallAsync("replicate_pipeline_start", """{"steps": [{"id": "gen", "model": "acme/flux", "input": {}}], "download": false, "idempotency_key": "once"}""");
        Assert.NotEqual(true, pipeline.IsError);
        var pipelineId = pipeline.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;
        await _mcp.Core.FinishedAsync(pipelineId);

        var status = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "preview": true}""");
        var pipelineStatus = await _mcp.CallAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{pipelineId}}", "preview": false}""");
        var predictionId = status.StructuredContent!.Value.GetProperty("items")[0].GetProperty("prediction_id").GetString();
        var prediction = await _mcp.CallAsync("replicate_get_prediction", $$"""{"prediction_id": "{{predictionId}}", "preview": true}""");

        Assert.All([status, pipelineStatus, prediction], r => Assert.NotEqual(true, r.IsError));
    }

    public static TheoryData<string, string, string> BadArguments()
    {
        var item = """{"model": "acme/flux", "input": {"prompt": "a fox"}}""";
        string Items(int n) => "[" + string.Join(",", Enumerable.Repeat(item, n)) + "]";
        static string Nest(int levels) => levels == 1 ? "{}" : $$"""{"a": {{Nest(levels - 1)}}}""";
        const string Gen = """{"id": "gen", "model": "acme/flux", "input": {"prompt": "a fox"}}""";
        return new()
        {
            { "replicate_batch_start", $$"""{"items": {{Items(51)}}}""", "items: 51 given, at most 50 allowed" },
            { "replicate_batch_start", $$"""{"items": {{Items(1)}}, "concurrency": 11}""", "concurrency: 11 given, allowed 1–10" },
            { "replicate_batch_start", $$"""{"items": {{Items(1)}}, "download": "yes"}""", "download: \"yes\" given" },
            { "replicate_batch_start", $$"""{"items": {{Items(1)}}, "concurrency": 2.5}""", "concurrency: 2.5 given" },
            { "replicate_batch_start", """{"items": "abc"}""", "items: \"abc\" given" },
            { "replicate_batch_start", """{"concurrency": 2}""", "items: missing" },
            { "replicate_batch_start", $$"""{"items": {{Items(1)}}, "colour": "red"}""", "\"colour\": unknown argument" },
            { "replicate_batch_start", $$$"""{"items": [{{{item}}}, {{{item}}}, {{{item}}}, {"model": "flux-schnell", "input": {}}]}""", "items[3].model: \"flux-schnell\"" },
            { "replicate_batch_start", $$"""{"items": [{"model": "acme/flux", "input": {{Nest(40)}}}]}""", "items[0].input: nested 40 levels deep, at most 32" },
            { "replicate_batch_start", $$"""{"items": {{Items(1)}}, "timeout_ms_per_item": 4999}""", "timeout_ms_per_item: 4999 given, allowed 5000–1800000" },
            { "replicate_pipeline_start", """{"steps": [{"id": "../x", "model": "acme/flux", "input": {}}]}""", "steps[0].id: \"../x\"" },
            { "replicate_pipeline_start", $$"""{"steps": [{{Gen}}, {{Gen}}]}""", "ids must be unique" },
            { "replicate_pipeline_start", """{"steps": [{"id": "a", "model": "acme/x", "input": {"i": "$b.urls[0]"}}, {"id": "b", "model": "acme/x", "input": {"i": "$a.urls[0]"}}]}""", "cycle: a → b → a" },
            { "replicate_pipeline_start", $$$"""{"steps": [{{{Gen}}}, {"id": "up", "model": "acme/up", "input": {"image": "$gne.urls[0]"}}]}""", "steps[up].input.image: $gne.urls[0] refers to unknown step 'gne'" },
            { "replicate_pipeline_start", $$"""{"steps": [{{Gen}}], "concurrency": 6}""", "concurrency: 6 given, allowed 1–5" },
            { "replicate_batch_status", """{"job_id": "job_doesnotexist"}""", "ttl_hours" },
            { "replicate_pipeline_status", """{"pipeline_id": "pl_doesnotexist"}""", "ttl_hours" },
            { "replicate_batch_status", """{"job_id": "x", "wait_seconds": 51}""", "wait_seconds: 51 given, allowed 0–50" },
            { "replicate_search_models", """{"query": "upscale", "limit": 0}""", "limit: 0 given, allowed 1–50" },
        };
    }

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task CallTool_BadArguments_ReturnsToolErrorNamingFieldAndValue(string tool, string arguments, string expected)
    {
        var result = await _mcp.CallAsync(tool, arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, McpToolsHarness.Text(result));
        Assert.Empty(_mcp.Api.Creates);
    }

    [Fact]
    public async Task CallTool_BadModelId_PointsAtSearchTool()
    {
        var result = await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "flux-schnell", "input": {}}]}""");

        Assert.True(result.IsError);
        Assert.Contains("replicate_search_models", McpToolsHarness.Text(result));
    }

    [Fact]
    public async Task CallTool_CycleOfThree_NamesEveryStepOnIt()
    {
        var result = await _mcp.CallAsync("replicate_pipeline_start", """
            {"steps": [
              {"id": "a", "model": "acme/x", "input": {"i": "$c.urls[0]"}},
              {"id": "b", "model": "acme/x", "input": {"i": "$a.urls[0]"}},
              {"id": "c", "model": "acme/x", "input": {}, "depends_on": ["b"]},
              {"id": "free", "model": "acme/x", "input": {}}]}
            """);

        Assert.True(result.IsError);
        var cycle = McpToolsHarness.Text(result).Split('\n').Single(l => l.Contains("cycle", StringComparison.Ordinal));
        // Exactly the steps on the cycle, in dependency order (a waits for c, c for b, b for a); "free" is not on it.
        Assert.EndsWith("cycle: a → c → b → a; each step depends on the next, so none of them can start", cycle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_ManyProblems_ReportsThemAllAtOnce()
    {
        var result = await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {}}], "concurrency": 0, "ttl_hours": 73, "validate": "no"}""");

        Assert.True(result.IsError);
        var text = McpToolsHarness.Text(result);
        Assert.Contains("concurrency: 0 given", text);
        Assert.Contains("ttl_hours: 73 given", text);
        Assert.Contains("validate: \"no\" given", text);
    }

    [Fact]
    public async Task CallTool_StartWithoutToken_ErrorNamesVariableAndCreatesNothing()
    {
        await using var noToken = await McpToolsHarness.StartAsync(withToken: false);

        var batch = await noToken.CallAsync("replicate_batch_start", OneItem);
        var pipeline = await noToken.CallAsync("replicate_pipeline_start", """{"steps": [{"id": "gen", "model": "acme/flux", "input": {}}], "download": false}""");

        Assert.True(batch.IsError);
        Assert.Contains("REPLICATE_API_TOKEN", McpToolsHarness.Text(batch));
        Assert.True(pipeline.IsError);
        Assert.Contains("REPLICATE_API_TOKEN", McpToolsHarness.Text(pipeline));
        Assert.Empty(noToken.Api.Creates);
        var list = await noToken.CallAsync("replicate_list_jobs", "{}");
        Assert.Empty(list.StructuredContent!.Value.GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task BatchStart_Valid_ReturnsIdAtOnceWhileItemsStillRunning()
    {
        _mcp.Api.HoldCreates = true;

        var result = await _mcp.CallAsync("replicate_batch_start", OneItem);

        Assert.NotEqual(true, result.IsError);
        var start = result.StructuredContent!.Value;
        Assert.Equal(["job_id", "message", "status", "total"], start.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("running", start.GetProperty("status").GetString());
        Assert.Equal(1, start.GetProperty("total").GetInt32());
        (await _mcp.Api.NextHeldCreateAsync(CT)).Succeed("https://replicate.delivery/fake/x.png");
        await _mcp.Core.FinishedAsync(start.GetProperty("job_id").GetString()!);
    }

    [Fact]
    public async Task BatchStatus_RunningAndFinished_HasEveryContractFieldWithNullsAndEmptyArrays()
    {
        _mcp.Api.HoldCreates = true;
        var jobId = await StartBatchAsync("""{"items": [{"model": "acme/flux", "input": {"prompt": "a"}}, {"model": "acme/flux", "input": {"prompt": "b"}}], "concurrency": 1, "download": false}""");
        var held = await _mcp.Api.NextHeldCreateAsync(CT);

        var running = (await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}"}""")).StructuredContent!.Value;
        AssertBatchShape(running, withResults: true);
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("completed_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, running.GetProperty("expires_at").ValueKind);
        var queued = running.GetProperty("items")[1];
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.All(["prediction_id", "started_at", "completed_at", "result", "error"], f => Assert.Equal(JsonValueKind.Null, queued.GetProperty(f).ValueKind));

        held.Succeed("https://replicate.delivery/fake/a.png");
        (await _mcp.Api.NextHeldCreateAsync(CT)).Fail("NSFW content detected");
        await _mcp.Core.FinishedAsync(jobId);

        var done = (await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}"}""")).StructuredContent!.Value;
        AssertBatchShape(done, withResults: true);
        Assert.Equal("partial", done.GetProperty("status").GetString());
        Assert.Equal(1, done.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, done.GetProperty("failed").GetInt32());
        Assert.Equal(JsonValueKind.String, done.GetProperty("completed_at").ValueKind);
        Assert.Equal(DateTimeOffset.Parse(done.GetProperty("completed_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture).AddHours(1),
            DateTimeOffset.Parse(done.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var result = done.GetProperty("items")[0].GetProperty("result");
        AssertResultShape(result);
        Assert.Equal(["https://replicate.delivery/fake/a.png"], result.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        Assert.Empty(result.GetProperty("local_paths").EnumerateArray());
        Assert.Empty(result.GetProperty("text_output").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("download_error").ValueKind);
        Assert.Contains("NSFW content detected", done.GetProperty("items")[1].GetProperty("error").GetString());

        var stripped = (await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "include_results": false}""")).StructuredContent!.Value;
        AssertBatchShape(stripped, withResults: false);
    }

    [Fact]
    public async Task PipelineStatus_Finished_HasEveryContractFieldAndIncludeOutputsFalseStripsResultAndInput()
    {
        _mcp.Api.DefaultCreate = call => call.Model.Name == "bad"
            ? ScriptedReplicateClient.Failed(call.PredictionId, "boom")
            : ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png");
        var start = await _mcp.CallAsync("replicate_pipeline_start", """
            {"steps": [
              {"id": "gen", "model": "acme/flux", "input": {"prompt": "a fox"}},
              {"id": "up", "model": "acme/bad", "input": {"image": "$gen.urls[0]"}, "depends_on": ["gen"]},
              {"id": "after", "model": "acme/x", "input": {"image": "$up.urls[0]"}}],
             "download": false}
            """);
        Assert.NotEqual(true, start.IsError);
        var id = start.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;
        await _mcp.Core.FinishedAsync(id);

        var full = (await _mcp.CallAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}"}""")).StructuredContent!.Value;
        AssertPipelineShape(full, withOutputs: true);
        Assert.Equal("partial", full.GetProperty("status").GetString());
        Assert.Equal(1, full.GetProperty("skipped").GetInt32());
        var steps = full.GetProperty("steps");
        Assert.Equal(["gen"], steps[1].GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));
        Assert.Empty(steps[0].GetProperty("depends_on").EnumerateArray());
        Assert.StartsWith("https://replicate.delivery/fake/", steps[1].GetProperty("input").GetProperty("image").GetString());
        Assert.Equal("skipped", steps[2].GetProperty("status").GetString());
        Assert.Contains("'up'", steps[2].GetProperty("skip_reason").GetString());
        Assert.Equal(JsonValueKind.Null, steps[2].GetProperty("input").ValueKind);
        Assert.Equal(JsonValueKind.Null, steps[0].GetProperty("skip_reason").ValueKind);

        var stripped = (await _mcp.CallAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}", "include_outputs": false}""")).StructuredContent!.Value;
        AssertPipelineShape(stripped, withOutputs: false);
    }

    [Fact]
    public async Task ListJobs_RunningAndFinished_EntriesCarryEveryFieldNewestFirst()
    {
        var finished = await StartBatchAsync(OneItem);
        await _mcp.Core.FinishedAsync(finished);
        _mcp.Api.HoldCreates = true;
        var running = await StartBatchAsync(OneItem);
        var held = await _mcp.Api.NextHeldCreateAsync(CT);

        var jobs = (await _mcp.CallAsync("replicate_list_jobs", "{}")).StructuredContent!.Value.GetProperty("jobs");

        Assert.Equal([running, finished], jobs.EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        string[] fields = ["id", "kind", "status", "total", "succeeded", "failed", "created_at", "completed_at", "expires_at"];
        Assert.All(jobs.EnumerateArray(), j => Assert.All(fields, f => Assert.True(j.TryGetProperty(f, out _), f)));
        Assert.Equal(JsonValueKind.Null, jobs[0].GetProperty("completed_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, jobs[0].GetProperty("expires_at").ValueKind);
        Assert.Equal(JsonValueKind.String, jobs[1].GetProperty("completed_at").ValueKind);
        Assert.Equal(JsonValueKind.String, jobs[1].GetProperty("expires_at").ValueKind);
        Assert.Equal("batch", jobs[1].GetProperty("kind").GetString());
        Assert.Equal("succeeded", jobs[1].GetProperty("status").GetString());
        held.Succeed("https://replicate.delivery/fake/x.png");
        await _mcp.Core.FinishedAsync(running);
    }

    [Fact]
    public async Task BatchStatus_WaitSecondsWithProgressToken_ReportsProgressAndReturnsWhenFinished()
    {
        _mcp.Api.HoldCreates = true;
        var jobId = await StartBatchAsync("""{"items": [{"model": "acme/flux", "input": {}}, {"model": "acme/flux", "input": {}}], "download": false}""");
        var first = await _mcp.Api.NextHeldCreateAsync(CT);
        var second = await _mcp.Api.NextHeldCreateAsync(CT);
        var progress = new RecordingProgress();

        var call = _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "wait_seconds": 50}""", progress);
        // The first report (0 of 2) shows the call is waiting; only then let the items finish.
        var initial = await progress.WaitForAsync(p => p.Progress == 0);
        Assert.Equal(2, initial.Total);
        Assert.False(call.IsCompleted);
        first.Succeed("https://replicate.delivery/fake/1.png");
        second.Succeed("https://replicate.delivery/fake/2.png");
        var result = await call;

        var status = result.StructuredContent!.Value;
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("completed_at").ValueKind);
        var last = await progress.WaitForAsync(p => p.Progress == 2);
        Assert.Equal(2, last.Total);
        // The client may hand notifications to IProgress out of order, so check the set: one report per change.
        Assert.All(progress.Reports, r => Assert.InRange(r.Progress, 0, 2));
        Assert.All(progress.Reports, r => Assert.Equal(2, r.Total));
        Assert.Equal(progress.Reports.Count, progress.Reports.Select(r => r.Progress).Distinct().Count());
    }

    [Fact]
    public async Task BatchStatus_WaitSecondsOnFinishedJob_ReturnsAtOnce()
    {
        var jobId = await StartBatchAsync(OneItem);
        await _mcp.Core.FinishedAsync(jobId);

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "wait_seconds": 50}""").WaitAsync(TimeSpan.FromSeconds(20), CT);

        Assert.Equal("succeeded", result.StructuredContent!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task BatchCancel_WhileRunning_ReturnsCanceledStatusAndCancelsThePrediction()
    {
        _mcp.Api.HoldCreates = true;
        var jobId = await StartBatchAsync("""{"items": [{"model": "acme/flux", "input": {}}, {"model": "acme/flux", "input": {}}, {"model": "acme/flux", "input": {}}], "concurrency": 1, "download": false}""");
        var running = await _mcp.Api.NextHeldCreateAsync(CT);
        running.Start();
        await _mcp.Core.WaitForAsync(jobId, j => j.Items[0].PredictionId == running.PredictionId);

        var result = await _mcp.CallAsync("replicate_batch_cancel", $$"""{"job_id": "{{jobId}}"}""");

        Assert.NotEqual(true, result.IsError);
        var status = result.StructuredContent!.Value;
        AssertBatchShape(status, withResults: true);
        Assert.Equal("canceled", status.GetProperty("status").GetString());
        Assert.Equal(3, status.GetProperty("canceled").GetInt32());
        Assert.Equal(running.PredictionId, status.GetProperty("items")[0].GetProperty("prediction_id").GetString());
        await _mcp.Core.FinishedAsync(jobId);
        Assert.Equal([running.PredictionId], _mcp.Api.Cancels);
        Assert.Single(_mcp.Api.Creates);
    }

    [Fact]
    public async Task GetPrediction_UnknownId_SaysPredictionNotFoundWithoutModelSearchHint()
    {
        var result = await _mcp.CallAsync("replicate_get_prediction", """{"prediction_id": "nosuchprediction1"}""");

        Assert.True(result.IsError);
        var text = McpToolsHarness.Text(result);
        Assert.Contains("\"nosuchprediction1\" was not found on Replicate (404)", text);
        Assert.Contains("batch item's prediction_id", text);
        Assert.Contains("pipeline step's prediction_id", text);
        Assert.DoesNotContain("replicate_search_models", text);
    }

    [Fact]
    public async Task PipelineCancel_UnknownId_ReturnsToolErrorMentioningTtl()
    {
        var result = await _mcp.CallAsync("replicate_pipeline_cancel", """{"pipeline_id": "pl_nothere"}""");

        Assert.True(result.IsError);
        Assert.Contains("ttl_hours", McpToolsHarness.Text(result));
    }

    [Fact]
    public async Task BatchStatus_PipelineId_IsUnknownToBatchTool()
    {
        var start = await _mcp.CallAsync("replicate_pipeline_start", """{"steps": [{"id": "gen", "model": "acme/flux", "input": {}}], "download": false}""");
        var id = start.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;
        await _mcp.Core.FinishedAsync(id);

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{id}}"}""");

        Assert.True(result.IsError);
        Assert.Contains("ttl_hours", McpToolsHarness.Text(result));
    }

    private async Task<string> StartBatchAsync(string arguments)
    {
        var result = await _mcp.CallAsync("replicate_batch_start", arguments);
        Assert.NotEqual(true, result.IsError);
        return result.StructuredContent!.Value.GetProperty("job_id").GetString()!;
    }

    private static readonly string[] Counters = ["total", "queued", "running", "succeeded", "failed", "timed_out", "canceled"];
    private static readonly string[] Times = ["created_at", "completed_at", "expires_at"];
    private static readonly string[] ResultFields = ["prediction_id", "status", "urls", "local_paths", "text_output", "output", "metrics", "pending", "error", "logs_tail", "download_error"];

    private static void AssertBatchShape(JsonElement status, bool withResults)
    {
        Assert.Equal("batch", status.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("job_id").ValueKind);
        Assert.Equal(JsonValueKind.String, status.GetProperty("status").ValueKind);
        Assert.All(Counters, c => Assert.Equal(JsonValueKind.Number, status.GetProperty(c).ValueKind));
        Assert.All(Times, t => Assert.True(status.TryGetProperty(t, out _), t));
        Assert.Equal(status.GetProperty("total").GetInt32(), status.GetProperty("items").GetArrayLength());
        foreach (var item in status.GetProperty("items").EnumerateArray())
        {
            Assert.All(["index", "model", "status", "prediction_id", "started_at", "completed_at", "error"], f => Assert.True(item.TryGetProperty(f, out _), f));
            Assert.Equal(withResults, item.TryGetProperty("result", out var result));
            if (withResults && result.ValueKind != JsonValueKind.Null) AssertResultShape(result);
        }
    }

    private static void AssertPipelineShape(JsonElement status, bool withOutputs)
    {
        Assert.Equal("pipeline", status.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("pipeline_id").ValueKind);
        Assert.All([.. Counters, "skipped"], c => Assert.Equal(JsonValueKind.Number, status.GetProperty(c).ValueKind));
        Assert.All(Times, t => Assert.True(status.TryGetProperty(t, out _), t));
        foreach (var step in status.GetProperty("steps").EnumerateArray())
        {
            Assert.All(["id", "model", "status", "depends_on", "prediction_id", "started_at", "completed_at", "error", "skip_reason"], f => Assert.True(step.TryGetProperty(f, out _), f));
            Assert.Equal(JsonValueKind.Array, step.GetProperty("depends_on").ValueKind);
            Assert.Equal(withOutputs, step.TryGetProperty("result", out var result));
            Assert.Equal(withOutputs, step.TryGetProperty("input", out _));
            if (withOutputs && result.ValueKind != JsonValueKind.Null) AssertResultShape(result);
        }
    }

    private static void AssertResultShape(JsonElement result)
    {
        Assert.All(ResultFields, f => Assert.True(result.TryGetProperty(f, out _), f));
        Assert.All(["urls", "local_paths", "text_output"], f => Assert.Equal(JsonValueKind.Array, result.GetProperty(f).ValueKind));
    }

    private static void AssertInt(ModelContextProtocol.Protocol.Tool tool, string name, int min, int max, int @default)
    {
        var p = tool.InputSchema.GetProperty("properties").GetProperty(name);
        Assert.Equal("integer", p.GetProperty("type").GetString());
        Assert.Equal(min, p.GetProperty("minimum").GetInt32());
        Assert.Equal(max, p.GetProperty("maximum").GetInt32());
        Assert.Equal(@default, p.GetProperty("default").GetInt32());
    }

    private static void AssertBool(ModelContextProtocol.Protocol.Tool tool, string name, bool @default)
    {
        var p = tool.InputSchema.GetProperty("properties").GetProperty(name);
        Assert.Equal("boolean", p.GetProperty("type").GetString());
        Assert.Equal(@default, p.GetProperty("default").GetBoolean());
    }

    private static void AssertArray(ModelContextProtocol.Protocol.Tool tool, string name, int min, int max)
    {
        var p = tool.InputSchema.GetProperty("properties").GetProperty(name);
        Assert.Equal("array", p.GetProperty("type").GetString());
        Assert.Equal(min, p.GetProperty("minItems").GetInt32());
        Assert.Equal(max, p.GetProperty("maxItems").GetInt32());
    }

    private static void AssertRequired(ModelContextProtocol.Protocol.Tool tool, string name) =>
        Assert.Contains(name, tool.InputSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

    /// <summary>Records progress notifications and lets a test await one that matches.</summary>
    private sealed class RecordingProgress : IProgress<ProgressNotificationValue>
    {
        private readonly Lock _lock = new();
        private readonly List<(Func<ProgressNotificationValue, bool> Match, TaskCompletionSource<ProgressNotificationValue> Done)> _waiters = [];

        public ConcurrentQueue<ProgressNotificationValue> Reports { get; } = new();

        public void Report(ProgressNotificationValue value)
        {
            lock (_lock)
            {
                Reports.Enqueue(value);
                foreach (var waiter in _waiters.Where(w => w.Match(value)).ToList())
                {
                    waiter.Done.TrySetResult(value);
                    _waiters.Remove(waiter);
                }
            }
        }

        public Task<ProgressNotificationValue> WaitForAsync(Func<ProgressNotificationValue, bool> match)
        {
            lock (_lock)
            {
                var seen = Reports.FirstOrDefault(match);
                if (seen is not null) return Task.FromResult(seen);
                var done = new TaskCompletionSource<ProgressNotificationValue>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((match, done));
                return done.Task.WaitAsync(TestContext.Current.CancellationToken);
            }
        }
    }
}
