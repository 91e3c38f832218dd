using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>The runner from the production registration against a WireMock Replicate: routing, polling, downloads.</summary>
public sealed class PredictionRunnerHttpTests : IAsyncDisposable
{
    private readonly StatefulReplicateFake _fake = new();
    private readonly RecordingProgress _progress = new();
    private ExecCoreHarness? _core;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_core is not null) await _core.DisposeAsync();
        _fake.Dispose();
    }

    private PredictionRunner CreateSut()
    {
        _core = new ExecCoreHarness(time: TimeProvider.System, apiBaseUrl: _fake.ApiBaseUrl);
        // The production tracker follows what the runner creates; nothing else of the host is started.
        _core.Services.GetRequiredService<PredictionTracker>().StartAsync(CT).GetAwaiter().GetResult();
        return _core.Services.GetRequiredService<PredictionRunner>();
    }

    private static PredictionRequest Request(string model, string input, bool download, string folder = "job1/0") =>
        new(ModelRef.TryParse(model, out var m) ? m : throw new ArgumentException(model),
            JsonDocument.Parse(input).RootElement, TimeSpan.FromMinutes(1), download, folder);

    /// <summary>GET of <paramref name="id"/> answers <c>processing</c> once, then <paramref name="finished"/>.</summary>
    private void ProcessingThen(string id, JsonObject finished)
    {
        var path = $"/v1/predictions/{id}";
        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario(id).WillSetStateTo("done")
            .RespondWith(StatefulReplicateFake.JsonResponse(200, ApiSamples.Prediction("02", id, status: "processing")));
        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario(id).WhenStateIs("done")
            .RespondWith(StatefulReplicateFake.JsonResponse(200, finished));
    }

    [Fact]
    public async Task RunAsync_CommunityModelByName_ResolvesLatestVersionPollsToSuccessAndDownloads()
    {
        const string id = "community1";
        var version = StatefulReplicateFake.Version('c');
        var png = _fake.ServePng("/files/community1/out-0.png");
        _fake.Model("acme", "corgi", official: false, latestVersion: version);
        _fake.CreateVersioned(ApiSamples.Prediction("02", id));
        ProcessingThen(id, ApiSamples.Prediction("03", id, output: new JsonArray(png)));

        var outcome = await CreateSut().RunAsync(Request("acme/corgi", """{"prompt":"a corgi","seed":7}""", download: true), _progress, CT, CancellationToken.None);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Null(outcome.Error);
        var result = outcome.Result!;
        Assert.Equal(id, result.PredictionId);
        Assert.Equal("succeeded", result.Status);
        Assert.Equal([png], result.Urls);
        var expectedPath = Path.Combine(_core!.DownloadDirectory, "job1", "0", "output-0.png");
        Assert.Equal([expectedPath], result.LocalPaths);
        Assert.Equal(StatefulReplicateFake.Png, await File.ReadAllBytesAsync(expectedPath, CT));
        Assert.Null(result.DownloadError);
        Assert.Equal([id], _progress.Created);

        Assert.Single(_fake.Requests("GET", "/v1/models/acme/corgi"));
        Assert.Empty(_fake.Requests("POST", "/v1/models/acme/corgi/predictions"));
        var create = Assert.Single(_fake.Requests("POST", "/v1/predictions")).RequestMessage;
        var body = JsonNode.Parse(create.Body!)!;
        Assert.Equal(version, (string?)body["version"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"prompt":"a corgi","seed":7}"""), body["input"]));
        Assert.Equal(2, _fake.Requests("GET", $"/v1/predictions/{id}").Count);
    }

    [Fact]
    public async Task RunAsync_OfficialLlm_CreatesOnModelRouteAndJoinsTokens()
    {
        const string id = "llm1";
        _fake.Model("meta", "meta-llama-3-8b-instruct", official: true);
        _fake.CreateOfficial("meta", "meta-llama-3-8b-instruct", ApiSamples.Prediction("02", id));
        ProcessingThen(id, ApiSamples.Prediction("04", id));

        var outcome = await CreateSut().RunAsync(Request("meta/meta-llama-3-8b-instruct", """{"prompt":"haiku"}""", download: true), _progress, CT, CancellationToken.None);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(["\n\nFuzzy, gentle beasts\nSoftly grazing, quiet eyes\nLlama's gentle charm"], outcome.Result!.TextOutput);
        Assert.Empty(outcome.Result.Urls);
        Assert.Empty(outcome.Result.LocalPaths);
        Assert.Single(_fake.Requests("POST", "/v1/models/meta/meta-llama-3-8b-instruct/predictions"));
        Assert.Empty(_fake.Requests("POST", "/v1/predictions"));
        Assert.False(Directory.Exists(Path.Combine(_core!.DownloadDirectory, "job1")));
    }

    [Fact]
    public async Task RunAsync_PredictionFailsOnReplicate_FailedWithReplicatesError()
    {
        const string id = "failed1";
        _fake.Model("stability-ai", "sdxl", official: false, latestVersion: StatefulReplicateFake.Version('d'));
        _fake.CreateVersioned(ApiSamples.Prediction("02", id));
        ProcessingThen(id, ApiSamples.Prediction("06", id));

        var outcome = await CreateSut().RunAsync(Request("stability-ai/sdxl", """{"prompt":"big"}""", download: true), _progress, CT, CancellationToken.None);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("CUDA out of memory. Tried to allocate 16.00 GiB", outcome.Error);
        Assert.Equal(id, outcome.Result!.PredictionId);
    }

    [Fact]
    public async Task RunAsync_PollAnswers500ThenSucceeds_SurvivesAndSucceeds()
    {
        const string id = "flaky1";
        var path = $"/v1/predictions/{id}";
        _fake.Model("black-forest-labs", "flux-schnell", official: true);
        _fake.CreateOfficial("black-forest-labs", "flux-schnell", ApiSamples.Prediction("02", id));
        // Three 500s in a row (as many as the pipeline's own retries allow), then the finished body.
        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario("poll").WillSetStateTo("s1")
            .RespondWith(StatefulReplicateFake.JsonResponse(500, new JsonObject { ["detail"] = "boom" }));
        for (var i = 1; i < 3; i++)
        {
            _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario("poll")
                .WhenStateIs($"s{i}").WillSetStateTo($"s{i + 1}")
                .RespondWith(StatefulReplicateFake.JsonResponse(500, new JsonObject { ["detail"] = "boom" }));
        }

        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario("poll").WhenStateIs("s3")
            .RespondWith(StatefulReplicateFake.JsonResponse(200, ApiSamples.Prediction("03", id, output: new JsonArray())));

        var outcome = await CreateSut().RunAsync(Request("black-forest-labs/flux-schnell", """{"prompt":"x"}""", download: false), _progress, CT, CancellationToken.None);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(4, _fake.Requests("GET", path).Count);
        Assert.Single(_fake.Requests("POST", "/v1/models/black-forest-labs/flux-schnell/predictions"));
    }

    private sealed class RecordingProgress : IPredictionProgress
    {
        public List<string> Created { get; } = [];

        public Task StartedAsync() => Task.CompletedTask;

        public Task SentAsync(SentCreate sent) => Task.CompletedTask;

        public Task CreatedAsync(string predictionId)
        {
            Created.Add(predictionId);
            return Task.CompletedTask;
        }
    }
}
