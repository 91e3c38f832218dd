using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Downloads;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Mcp;

/// <summary>
/// Every answer of every tool, with every option, checked against the outputSchema the tool lists — what strict
/// clients (the TypeScript SDK, the MCP Inspector, Claude Code) do, and the C# client does not.
/// </summary>
public sealed class ToolSchemaConformanceTests : IAsyncLifetime
{
    private McpToolsHarness _mcp = null!;
    private Dictionary<string, Tool> _tools = null!;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _mcp = await McpToolsHarness.StartAsync();
        _tools = (await _mcp.Client.ListToolsAsync(cancellationToken: CT)).ToDictionary(t => t.Name, t => t.ProtocolTool);
    }

    public async ValueTask DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task BatchTools_EveryOptionRunningFinishedAndCanceled_AnswersMatchOutputSchemas()
    {
        _mcp.Api.HoldCreates = true;
        var start = await CallValidAsync("replicate_batch_start",
            """{"items": [{"model": "acme/flux", "input": {"prompt": "a"}}, {"model": "acme/flux", "input": {"prompt": "b"}}], "concurrency": 1, "download": false}""");
        var jobId = start.GetProperty("job_id").GetString()!;
        var first = await _mcp.Api.NextHeldCreateAsync(CT);

        // Running: one item in flight, one queued.
        foreach (var include in new[] { "true", "false" })
            foreach (var preview in new[] { "false", "true" })
                await CallValidAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "include_results": {{include}}, "preview": {{preview}}}""");

        first.Succeed("https://replicate.delivery/fake/a.png");
        (await _mcp.Api.NextHeldCreateAsync(CT)).Fail("NSFW content detected");
        await _mcp.Core.FinishedAsync(jobId);

        // Finished (partial: a succeeded and a failed item), with and without results, with and without waiting.
        foreach (var include in new[] { "true", "false" })
            foreach (var wait in new[] { 0, 50 })
                foreach (var preview in new[] { "false", "true" })
                    await CallValidAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "include_results": {{include}}, "wait_seconds": {{wait}}, "preview": {{preview}}}""");
        await CallValidAsync("replicate_batch_cancel", $$"""{"job_id": "{{jobId}}"}""");
        await CallValidAsync("replicate_list_jobs", "{}");
        await CallValidAsync("replicate_get_prediction", $$"""{"prediction_id": "{{first.PredictionId}}"}""");
        await CallValidAsync("replicate_get_prediction", $$"""{"prediction_id": "{{first.PredictionId}}", "download": false}""");
        await CallValidAsync("replicate_get_prediction", $$"""{"prediction_id": "{{first.PredictionId}}", "download": false, "preview": true}""");
    }

    [Fact]
    public async Task BatchCancel_WhileRunning_AnswerMatchesOutputSchema()
    {
        _mcp.Api.HoldCreates = true;
        var start = await CallValidAsync("replicate_batch_start",
            """{"items": [{"model": "acme/flux", "input": {}}, {"model": "acme/flux", "input": {}}], "concurrency": 1, "download": false}""");
        var jobId = start.GetProperty("job_id").GetString()!;
        var running = await _mcp.Api.NextHeldCreateAsync(CT);
        running.Start();
        await _mcp.Core.WaitForAsync(jobId, j => j.Items[0].PredictionId == running.PredictionId);

        var canceled = await CallValidAsync("replicate_batch_cancel", $$"""{"job_id": "{{jobId}}"}""");

        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        await _mcp.Core.FinishedAsync(jobId);
        foreach (var include in new[] { "true", "false" })
            await CallValidAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "include_results": {{include}}}""");
        await CallValidAsync("replicate_list_jobs", "{}");
    }

    [Fact]
    public async Task PipelineTools_FailedAndSkippedSteps_EveryOption_AnswersMatchOutputSchemas()
    {
        _mcp.Api.HoldCreates = true;
        var start = await CallValidAsync("replicate_pipeline_start", """
            {"steps": [
              {"id": "gen", "model": "acme/flux", "input": {"prompt": "a fox"}},
              {"id": "up", "model": "acme/bad", "input": {"image": "$gen.urls[0]"}, "depends_on": ["gen"]},
              {"id": "after", "model": "acme/x", "input": {"image": "$up.urls[0]"}}],
             "download": false}
            """);
        var id = start.GetProperty("pipeline_id").GetString()!;
        var gen = await _mcp.Api.NextHeldCreateAsync(CT);

        foreach (var include in new[] { "true", "false" })
            await CallValidAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}", "include_outputs": {{include}}}""");

        gen.Succeed("https://replicate.delivery/fake/gen.png");
        (await _mcp.Api.NextHeldCreateAsync(CT)).Fail("boom");
        await _mcp.Core.FinishedAsync(id);

        foreach (var include in new[] { "true", "false" })
            foreach (var wait in new[] { 0, 50 })
            {
                var status = await CallValidAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}", "include_outputs": {{include}}, "wait_seconds": {{wait}}, "preview": {{(wait == 0 ? "false" : "true")}}}""");
                Assert.Equal("skipped", status.GetProperty("steps")[2].GetProperty("status").GetString());
            }
        await CallValidAsync("replicate_pipeline_cancel", $$"""{"pipeline_id": "{{id}}"}""");
        await CallValidAsync("replicate_list_jobs", "{}");
    }

    [Fact]
    public async Task PipelineCancel_WhileRunning_AnswersMatchOutputSchema()
    {
        _mcp.Api.HoldCreates = true;
        var start = await CallValidAsync("replicate_pipeline_start", """
            {"steps": [{"id": "gen", "model": "acme/flux", "input": {}}, {"id": "up", "model": "acme/up", "input": {"image": "$gen.urls[0]"}}], "download": false}
            """);
        var id = start.GetProperty("pipeline_id").GetString()!;
        var gen = await _mcp.Api.NextHeldCreateAsync(CT);
        gen.Start();
        await _mcp.Core.WaitForAsync(id, j => j.Items[0].PredictionId == gen.PredictionId);

        var canceled = await CallValidAsync("replicate_pipeline_cancel", $$"""{"pipeline_id": "{{id}}"}""");

        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        await _mcp.Core.FinishedAsync(id);
        foreach (var include in new[] { "true", "false" })
            await CallValidAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}", "include_outputs": {{include}}}""");
    }

    [Fact]
    public async Task ModelTools_WithAndWithoutSchema_AnswersMatchOutputSchemas()
    {
        _mcp.Api.PublishSchema("acme/flux", """
            {"components": {"schemas": {
              "Input": {"type": "object", "properties": {"prompt": {"type": "string"}}},
              "Output": {"type": "array", "items": {"type": "string", "format": "uri"}}}}}
            """);

        await CallValidAsync("replicate_get_model_schema", """{"model": "acme/flux"}""");
        await CallValidAsync("replicate_get_model_schema", """{"model": "acme/unpublished"}""");
        await CallValidAsync("replicate_search_models", """{"query": "flux"}""");
        await CallValidAsync("replicate_search_models", """{"query": "flux", "limit": 50}""");
    }

    [Fact]
    public async Task ListFiles_WithAndWithoutFolder_AnswersMatchOutputSchema()
    {
        var downloads = _mcp.Core.Services.GetRequiredService<IOptions<DownloadOptions>>().Value.DownloadDirectory;
        Directory.CreateDirectory(downloads);
        foreach (var name in new[] { "a.png", "b.webp", "c.txt" }) await File.WriteAllTextAsync(Path.Combine(downloads, name), "x", CT);
        var folder = JsonSerializer.Serialize(downloads);

        await CallValidAsync("replicate_list_files", "{}");
        await CallValidAsync("replicate_list_files", $$"""{"folder": {{folder}}}""");
        var truncated = await CallValidAsync("replicate_list_files", $$"""{"folder": {{folder}}, "pattern": "*.*", "limit": 1}""");
        await CallValidAsync("replicate_list_files", $$"""{"folder": {{folder}}, "pattern": "*.none"}""");

        Assert.True(truncated.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void ListTools_EveryInputAndOutputSchema_IsValidJsonSchema()
    {
        Assert.Equal(13, _tools.Count);
        foreach (var (name, tool) in _tools)
        {
            AssertValidSchema(name + " inputSchema", tool.InputSchema);
            AssertValidSchema(name + " outputSchema", tool.OutputSchema!.Value);
        }
    }

    private static void AssertValidSchema(string what, JsonElement schema)
    {
        var result = MetaSchemas.Draft202012.Evaluate(JsonNode.Parse(schema.GetRawText()), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, what + ": " + Errors(result));
    }

    [Fact]
    public async Task RetryTools_RetriedBatchAndPipeline_AnswersAndStatusesWithAttemptsMatchOutputSchemas()
    {
        _mcp.Api.HoldCreates = true;
        var jobId = (await CallValidAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {"prompt": "a"}}], "download": false}""")).GetProperty("job_id").GetString()!;
        (await _mcp.Api.NextHeldCreateAsync(CT)).Fail("NSFW content detected");
        await _mcp.Core.FinishedAsync(jobId);
        var pipelineId = (await CallValidAsync("replicate_pipeline_start", """
            {"steps": [{"id": "gen", "model": "acme/flux", "input": {}}, {"id": "up", "model": "acme/x", "input": {"image": "$gen.urls[0]"}}], "download": false}
            """)).GetProperty("pipeline_id").GetString()!;
        (await _mcp.Api.NextHeldCreateAsync(CT)).Fail("CUDA error");
        await _mcp.Core.FinishedAsync(pipelineId);

        await CallValidAsync("replicate_batch_retry", $$"""{"job_id": "{{jobId}}"}""");
        await CallValidAsync("replicate_pipeline_retry", $$"""{"pipeline_id": "{{pipelineId}}", "steps": ["gen"]}""");
        var batchHeld = await _mcp.Api.NextHeldCreateAsync(CT);
        var pipelineHeld = await _mcp.Api.NextHeldCreateAsync(CT);

        // Running again: the earlier attempt shows before the new prediction has a result.
        var running = await CallValidAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}"}""");
        Assert.Equal("failed", running.GetProperty("items")[0].GetProperty("result").GetProperty("attempts")[0].GetProperty("status").GetString());
        await CallValidAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{pipelineId}}"}""");
        batchHeld.Succeed("https://replicate.delivery/fake/a.png");
        pipelineHeld.Succeed("https://replicate.delivery/fake/gen.png");
        (await _mcp.Api.NextHeldCreateAsync(CT)).Succeed("https://replicate.delivery/fake/up.png");
        await _mcp.Core.FinishedAsync(jobId);
        await _mcp.Core.FinishedAsync(pipelineId);

        foreach (var include in new[] { "true", "false" })
        {
            await CallValidAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "include_results": {{include}}}""");
            await CallValidAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{pipelineId}}", "include_outputs": {{include}}}""");
        }
        await CallValidAsync("replicate_get_prediction", $$"""{"prediction_id": "{{batchHeld.PredictionId}}"}""");
    }

    /// <summary>Calls a tool that must succeed and checks its structuredContent against the tool's listed outputSchema.</summary>
    private async Task<JsonElement> CallValidAsync(string tool, string arguments)
    {
        var result = await _mcp.CallAsync(tool, arguments);
        Assert.True(result.IsError != true, $"{tool} {arguments}: {McpToolsHarness.Text(result)}");
        var content = result.StructuredContent!.Value;
        var schema = JsonSchema.FromText(_tools[tool].OutputSchema!.Value.GetRawText());
        var evaluation = schema.Evaluate(JsonNode.Parse(content.GetRawText()), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, $"{tool} {arguments} answered what its outputSchema refuses: {Errors(evaluation)}\n{content.GetRawText()}");
        return content;
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("; ", results.Details.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")));
}
