using System.Text.Json;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.Schemas;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Mcp;

/// <summary>The text content of each tool: one readable summary, not a second copy of the structured JSON (contract §3).</summary>
public sealed class ToolTextTests : IAsyncLifetime
{
    private McpToolsHarness _mcp = null!;

    public async ValueTask InitializeAsync() => _mcp = await McpToolsHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _mcp.DisposeAsync();

    private static string OnlyText(ModelContextProtocol.Protocol.CallToolResult result)
    {
        Assert.NotEqual(true, result.IsError);
        var block = Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(result.Content));
        Assert.DoesNotContain("\"job_id\"", block.Text, StringComparison.Ordinal);
        return block.Text;
    }

    [Fact]
    public async Task BatchStatus_Finished_TextIsHeadlineAndItemLinesAndStructuredIsLean()
    {
        _mcp.Api.DefaultCreate = call => call.Model.Name == "bad"
            ? ScriptedReplicateClient.Failed(call.PredictionId, "NSFW content detected") with { Logs = "  0%|   | 0/4\r100%|###| 4/4\nNSFW content detected\n" }
            : ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png") with { Logs = "  0%|   | 0/4\r100%|###| 4/4\n" };
        var start = await _mcp.CallAsync("replicate_batch_start", """{"items": [{"model": "acme/flux", "input": {}}, {"model": "acme/bad", "input": {}}], "download": false, "validate": false}""");
        var jobId = start.StructuredContent!.Value.GetProperty("job_id").GetString()!;
        await _mcp.Core.FinishedAsync(jobId);

        var result = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}"}""");

        Assert.Equal(
            $"Batch {jobId} partly succeeded: 2/2 finished (1 succeeded, 1 failed).\n" +
            "item 0 succeeded: https://replicate.delivery/fake/pred1.png\n" +
            "item 1 failed (prediction pred2): NSFW content detected", OnlyText(result));
        var items = result.StructuredContent!.Value.GetProperty("items");
        var succeeded = items[0].GetProperty("result");
        Assert.Equal(JsonValueKind.Null, succeeded.GetProperty("output").ValueKind);
        Assert.Equal(JsonValueKind.Null, succeeded.GetProperty("logs_tail").ValueKind);
        Assert.Equal(JsonValueKind.Null, succeeded.GetProperty("prediction_id").ValueKind);
        Assert.Equal("pred1", items[0].GetProperty("prediction_id").GetString());
        Assert.Equal("100%|###| 4/4\nNSFW content detected", items[1].GetProperty("result").GetProperty("logs_tail").GetString());

        // get_prediction keeps what the status leaves out.
        var prediction = await _mcp.CallAsync("replicate_get_prediction", """{"prediction_id": "pred1"}""");
        var raw = prediction.StructuredContent!.Value;
        Assert.Equal("pred1", raw.GetProperty("prediction_id").GetString());
        Assert.Equal("""["https://replicate.delivery/fake/pred1.png"]""", raw.GetProperty("output").GetRawText());
        Assert.Equal("  0%|   | 0/4\r100%|###| 4/4\n", raw.GetProperty("logs_tail").GetString());
        Assert.Equal("Prediction pred1 succeeded.\nhttps://replicate.delivery/fake/pred1.png", OnlyText(prediction));

        var lean = await _mcp.CallAsync("replicate_batch_status", $$"""{"job_id": "{{jobId}}", "include_results": false}""");
        Assert.Equal(
            $"Batch {jobId} partly succeeded: 2/2 finished (1 succeeded, 1 failed).\nitem 0 succeeded\nitem 1 failed (prediction pred2): NSFW content detected",
            OnlyText(lean));

        var list = await _mcp.CallAsync("replicate_list_jobs", "{}");
        Assert.StartsWith($"1 job kept, 0 running.\nBatch {jobId} partly succeeded: 2/2 finished (1 succeeded, 1 failed). Kept until ", OnlyText(list));
    }

    [Fact]
    public async Task PipelineStatus_Finished_StepLinesWithTextAndSkipReason()
    {
        _mcp.Api.DefaultCreate = call => call.Model.Name switch
        {
            "llm" => new Prediction { Id = call.PredictionId, Status = PredictionStatuses.Succeeded, Output = JsonSerializer.SerializeToElement(new[] { "A cozy", " cabin." }) },
            "bad" => ScriptedReplicateClient.Failed(call.PredictionId, "boom"),
            _ => ScriptedReplicateClient.SucceededWithUrls(call.PredictionId, $"https://replicate.delivery/fake/{call.PredictionId}.png"),
        };
        var start = await _mcp.CallAsync("replicate_pipeline_start", """
            {"steps": [
              {"id": "cap", "model": "acme/llm", "input": {}},
              {"id": "up", "model": "acme/bad", "input": {"prompt": "$cap.text_output[0]"}},
              {"id": "after", "model": "acme/x", "input": {"image": "$up.urls[0]"}}],
             "download": false, "validate": false}
            """);
        var id = start.StructuredContent!.Value.GetProperty("pipeline_id").GetString()!;
        await _mcp.Core.FinishedAsync(id);

        var result = await _mcp.CallAsync("replicate_pipeline_status", $$"""{"pipeline_id": "{{id}}"}""");

        var lines = OnlyText(result).Split('\n');
        Assert.Equal($"Pipeline {id} partly succeeded: 3/3 finished (1 succeeded, 1 failed, 1 skipped).", lines[0]);
        Assert.Equal("step cap succeeded: text \"A cozy cabin.\"", lines[1]);
        Assert.Equal("step up failed (prediction pred2): boom", lines[2]);
        Assert.StartsWith("step after skipped: ", lines[3], StringComparison.Ordinal);
        Assert.Contains("'up'", lines[3], StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, result.StructuredContent!.Value.GetProperty("steps")[0].GetProperty("result").GetProperty("output").ValueKind);
    }

    [Fact]
    public async Task GetModelSchema_TextListsEveryInputWithTypeRangeDefaultAndChoices()
    {
        _mcp.Api.PublishSchema("acme/flux", CogSchemas.FluxLike);

        var text = OnlyText(await _mcp.CallAsync("replicate_get_model_schema", """{"model": "acme/flux"}"""));

        var lines = text.Split('\n');
        Assert.StartsWith("acme/flux (official, version ", lines[0], StringComparison.Ordinal);
        Assert.Equal("Inputs (* = required):", lines[1]);
        Assert.Equal("- prompt* (string): Prompt for generated image", lines[2]);
        Assert.Equal("- aspect_ratio (string, one of \"1:1\"|\"16:9\"|\"21:9\"|\"3:2\"|\"2:3\"|\"4:5\"|\"5:4\"|\"3:4\"|\"4:3\"|\"9:16\"|\"9:21\", default \"1:1\"): Aspect ratio for the generated image", lines[3]);
        Assert.Equal("- num_outputs (integer, 1–4, default 1): Number of outputs to generate", lines[4]);
        Assert.Contains("- image (string (uri)): Input image for image to image mode", lines);
        Assert.Contains("- negative_prompt (string|null)", lines);
        Assert.Contains("Output: array of string (uri)", lines);
        Assert.Equal(12 + 2, lines.Length - lines.Count(l => l.StartsWith("Output", StringComparison.Ordinal) || l.StartsWith("Example", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SearchModels_TextOneLinePerModel()
    {
        _mcp.Api.AddModel(new ModelInfo { Owner = "black-forest-labs", Name = "flux-schnell", IsOfficial = true, RunCount = 1 });
        var text = OnlyText(await _mcp.CallAsync("replicate_search_models", """{"query": "fast image"}"""));

        Assert.Equal("1 model matches \"fast image\".\n- black-forest-labs/flux-schnell (official, 1 run)", text);
    }
}
