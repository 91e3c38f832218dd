using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>The runner from the production registration against a WireMock Replicate: routing, polling, downloads.</summary>
public sealed class PredictionRunnerHttpTests : IDisposable
{
    private readonly ReplicateFake _fake = new();
    private readonly TempDirectory _downloads = new();
    private readonly RecordingProgress _progress = new();
    private IHost? _host;

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _host?.Dispose();
        _fake.Dispose();
        _downloads.Dispose();
    }

    private PredictionRunner CreateSut()
    {
        var settings = TestHost.Settings(_fake.ApiBaseUrl, _downloads.Path);
        _host = TestHost.Build(settings);
        // The production tracker follows what the runner creates; nothing else of the host is started.
        _host.Services.GetRequiredService<PredictionTracker>().StartAsync(CT).GetAwaiter().GetResult();
        return _host.Services.GetRequiredService<PredictionRunner>();
    }

    private static PredictionRequest Request(string model, string input, bool download, string folder = "job1/0") =>
        new(ModelRef.TryParse(model, out var m) ? m : throw new ArgumentException(model),
            JsonDocument.Parse(input).RootElement, TimeSpan.FromMinutes(1), download, folder);

    /// <summary>GET of <paramref name="id"/> answers <c>processing</c> once, then <paramref name="finished"/>.</summary>
    private void ProcessingThen(string id, JsonObject finished)
    {
        var path = $"/v1/predictions/{id}";
        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario(id).WillSetStateTo("done")
            .RespondWith(ReplicateFake.JsonResponse(200, ApiSamples.Prediction("02", id, status: "processing")));
        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario(id).WhenStateIs("done")
            .RespondWith(ReplicateFake.JsonResponse(200, finished));
    }

    [Fact]
    public async Task RunAsync_CommunityModelByName_ResolvesLatestVersionPollsToSuccessAndDownloads()
    {
        const string id = "community1";
        var version = ReplicateFake.Version('c');
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
        var expectedPath = Path.Combine(_downloads.Path, "job1", "0", "output-0.png");
        Assert.Equal([expectedPath], result.LocalPaths);
        Assert.Equal(ReplicateFake.Png, await File.ReadAllBytesAsync(expectedPath, CT));
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
        Assert.False(Directory.Exists(Path.Combine(_downloads.Path, "job1")));
    }

    [Fact]
    public async Task RunAsync_PredictionFailsOnReplicate_FailedWithReplicatesError()
    {
        const string id = "failed1";
        _fake.Model("stability-ai", "sdxl", official: false, latestVersion: ReplicateFake.Version('d'));
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
            .RespondWith(ReplicateFake.JsonResponse(500, new JsonObject { ["detail"] = "boom" }));
        for (var i = 1; i < 3; i++)
        {
            _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario("poll")
                .WhenStateIs($"s{i}").WillSetStateTo($"s{i + 1}")
                .RespondWith(ReplicateFake.JsonResponse(500, new JsonObject { ["detail"] = "boom" }));
        }

        _fake.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingGet()).InScenario("poll").WhenStateIs("s3")
            .RespondWith(ReplicateFake.JsonResponse(200, ApiSamples.Prediction("03", id, output: new JsonArray())));

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
