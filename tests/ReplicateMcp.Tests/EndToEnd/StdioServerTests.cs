using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>The built server as a child process over stdio, talking to a WireMock Replicate.</summary>
public sealed class StdioServerTests : IAsyncDisposable
{
    private static readonly string[] ContractTools =
    [
        "replicate_batch_start", "replicate_batch_status", "replicate_batch_cancel",
        "replicate_pipeline_start", "replicate_pipeline_status", "replicate_pipeline_cancel",
        "replicate_list_jobs", "replicate_get_model_schema", "replicate_search_models", "replicate_get_prediction",
        "replicate_list_files", "replicate_batch_retry", "replicate_pipeline_retry",
    ];

    private readonly StatefulReplicateFake _fake = new();
    private readonly TempDirectory _downloads = new();
    private readonly TempDirectory _state = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private McpClient? _client;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, _stderr));
        _fake.Dispose();
        _downloads.Dispose();
        _state.Dispose();
    }

    private async Task<McpClient> StartServerAsync()
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "replicate-mcp",
            Command = "dotnet",
            Arguments = [TestUtilities.BuiltServer.DllPath],
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["REPLICATE_BASE_URL"] = _fake.Url + "/v1",
                ["REPLICATE_API_TOKEN"] = StatefulReplicateFake.Token,
                ["REPLICATE_DOWNLOAD_DIR"] = _downloads.Path,
                ["REPLICATE_MCP_STATE_DIR"] = _state.Path,
            },
            StandardErrorLines = _stderr.Enqueue,
        });
        _client = await McpClient.CreateAsync(transport, cancellationToken: CT);
        return _client;
    }

    private static JsonElement Structured(CallToolResult result)
    {
        Assert.True(result.IsError is not true, Text(result));
        Assert.NotNull(result.StructuredContent);
        return JsonSerializer.SerializeToElement(result.StructuredContent);
    }

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Fact]
    public async Task ToolsList_ListsTheThirteenContractToolsWithOutputSchemas()
    {
        var client = await StartServerAsync();

        var tools = await client.ListToolsAsync(cancellationToken: CT);

        Assert.Equal(ContractTools.Order(), tools.Select(t => t.Name).Order());
        foreach (var tool in tools)
        {
            var schema = JsonSerializer.SerializeToElement(tool.ProtocolTool.OutputSchema);
            Assert.True(schema.ValueKind == JsonValueKind.Object, $"{tool.Name} has no output schema");
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), $"{tool.Name} has no description");
        }
    }

    [Fact]
    public async Task BatchStart_MixedModels_RunsToCompletionWithFilesAndJobFile()
    {
        var version = StatefulReplicateFake.Version('e');
        _fake.OfficialStartingThen("black-forest-labs", "flux-schnell", "official0",
            ApiSamples.Prediction("03", "official0", output: new JsonArray(_fake.ServePng("/files/official0/out-0.png"))));
        _fake.CommunityStartingThen("acme", "corgi", version, "community1",
            ApiSamples.Prediction("03", "community1", output: new JsonArray(_fake.ServePng("/files/community1/out-0.png"))));
        _fake.OfficialStartingThen("meta", "meta-llama-3-8b-instruct", "llm2", ApiSamples.Prediction("04", "llm2"));
        var client = await StartServerAsync();

        var started = Structured(await client.CallToolAsync("replicate_batch_start", new Dictionary<string, object?>
        {
            ["items"] = JsonNode.Parse("""
                [
                  {"model": "black-forest-labs/flux-schnell", "input": {"prompt": "a red square"}},
                  {"model": "acme/corgi", "input": {"prompt": "a corgi"}},
                  {"model": "meta/meta-llama-3-8b-instruct", "input": {"prompt": "a haiku about llamas"}}
                ]
                """),
            ["validate"] = false,
        }, cancellationToken: CT));
        var jobId = started.GetProperty("job_id").GetString()!;
        Assert.Equal(3, started.GetProperty("total").GetInt32());

        // The one poll loop against the child process: each call itself waits for the job to finish.
        JsonElement status;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        do
        {
            status = Structured(await client.CallToolAsync("replicate_batch_status",
                new Dictionary<string, object?> { ["job_id"] = jobId, ["wait_seconds"] = 20 }, cancellationToken: CT));
        }
        while (status.GetProperty("status").GetString() == "running" && DateTimeOffset.UtcNow < deadline);

        Assert.True(status.GetProperty("status").GetString() == "succeeded", status.ToString());
        Assert.Equal(3, status.GetProperty("succeeded").GetInt32());
        var items = status.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["official0", "community1", "llm2"], items.Select(i => i.GetProperty("prediction_id").GetString()));
        for (var index = 0; index < 2; index++)
        {
            var expected = Path.Combine(_downloads.Path, jobId, index.ToString(System.Globalization.CultureInfo.InvariantCulture), "output-0.png");
            var local = Assert.Single(items[index].GetProperty("result").GetProperty("local_paths").EnumerateArray());
            Assert.Equal(expected, local.GetString());
            Assert.Equal(StatefulReplicateFake.Png, await File.ReadAllBytesAsync(expected, CT));
        }

        var text = Assert.Single(items[2].GetProperty("result").GetProperty("text_output").EnumerateArray());
        Assert.Equal("\n\nFuzzy, gentle beasts\nSoftly grazing, quiet eyes\nLlama's gentle charm", text.GetString());
        Assert.False(Directory.Exists(Path.Combine(_downloads.Path, jobId, "2")));

        Assert.True(File.Exists(Path.Combine(_state.Path, "jobs", jobId + ".json")), "no job file in the state dir");
        var create = Assert.Single(_fake.Requests("POST", "/v1/predictions")).RequestMessage;
        Assert.Equal(version, (string?)JsonNode.Parse(create.Body!)!["version"]);
        Assert.Single(_fake.Requests("POST", "/v1/models/black-forest-labs/flux-schnell/predictions"));
        Assert.Single(_fake.Requests("POST", "/v1/models/meta/meta-llama-3-8b-instruct/predictions"));
        // Every create answered "starting": each result came from a poll.
        foreach (var id in new[] { "official0", "community1", "llm2" })
            Assert.NotEmpty(_fake.Requests("GET", $"/v1/predictions/{id}"));
    }

    [Fact]
    public async Task BatchStart_ConcurrencyOutOfRange_IsErrorAndServerKeepsAnswering()
    {
        _fake.OfficialStartingThen("black-forest-labs", "flux-schnell", "official0", ApiSamples.Prediction("03", "official0"));
        var client = await StartServerAsync();

        var refused = await client.CallToolAsync("replicate_batch_start", new Dictionary<string, object?>
        {
            ["items"] = JsonNode.Parse("""[{"model": "black-forest-labs/flux-schnell", "input": {"prompt": "x"}}]"""),
            ["concurrency"] = 11,
        }, cancellationToken: CT);

        Assert.True(refused.IsError);
        Assert.Contains("concurrency: 11 given, allowed 1–10", Text(refused));
        var jobs = Structured(await client.CallToolAsync("replicate_list_jobs", new Dictionary<string, object?>(), cancellationToken: CT));
        Assert.Empty(jobs.GetProperty("jobs").EnumerateArray());
        Assert.DoesNotContain(_fake.Server.LogEntries, e => e.RequestMessage.Method == "POST");
    }
}
