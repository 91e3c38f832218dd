using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Settings;

namespace ReplicateMcp.Tests.Replicate;

/// <summary>The Replicate client through the production registration, its resilience pipeline included, against WireMock.</summary>
public sealed class ReplicateClientTests : IAsyncDisposable
{
    private const string Id = "azaq55dbukgxg6kubr4k6g3pby";

    private readonly StatefulReplicateFake _fake = new();
    private readonly List<ExecCoreHarness> _cores = [];

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    private static JsonElement Input => JsonDocument.Parse("""{"prompt":"a corgi","num_outputs":1}""").RootElement;

    public async ValueTask DisposeAsync()
    {
        foreach (var core in _cores) await core.DisposeAsync();
        _fake.Dispose();
    }

    private IReplicateClient CreateSut(TimeProvider? time = null, string? apiBaseUrl = null)
    {
        var core = new ExecCoreHarness(time: time ?? TimeProvider.System, apiBaseUrl: apiBaseUrl ?? _fake.ApiBaseUrl);
        _cores.Add(core);
        return core.Services.GetRequiredService<IReplicateClient>();
    }

    private static ModelRef Model(string text) => ModelRef.TryParse(text, out var model) ? model : throw new ArgumentException(text);

    [Fact]
    public async Task SearchModelsAsync_SearchEndpoint_ReturnsModelsUpToLimit()
    {
        _fake.Server.Given(Request.Create().WithPath("/v1/search").WithParam("query", "upscale").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""
                {"query": "upscale", "collections": [], "pages": [], "models": [
                  {"model": {"owner": "nightmareai", "name": "real-esrgan", "description": "Upscaler", "run_count": 5, "is_official": false}, "metadata": {"score": 1.2}},
                  {"model": {"owner": "philz1337x", "name": "clarity-upscaler", "run_count": 3}, "metadata": {}}]}
                """));

        var models = await CreateSut().SearchModelsAsync("upscale", 1, CT);

        var model = Assert.Single(models);
        Assert.Equal(("nightmareai", "real-esrgan", 5L), (model.Owner, model.Name, model.RunCount!.Value));
    }

    [Fact]
    public async Task SearchModelsAsync_SearchNotAnswered_FallsBackToQueryModels()
    {
        _fake.Server.Given(Request.Create().WithPath("/v1/search").UsingGet()).RespondWith(Response.Create().WithStatusCode(404)
            .WithBody("""{"detail": "The requested resource could not be found.", "status": 404}"""));
        _fake.Server.Given(Request.Create().WithPath("/v1/models").UsingMethod("QUERY")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody("""{"next": null, "previous": null, "results": [{"owner": "lucataco", "name": "remove-bg", "description": "Remove background", "run_count": 9}]}"""));

        var models = await CreateSut().SearchModelsAsync("remove background", 10, CT);

        Assert.Equal("lucataco/remove-bg", $"{Assert.Single(models).Owner}/{models[0].Name}");
        var query = Assert.Single(_fake.Server.LogEntries, e => e.RequestMessage.Method == "QUERY").RequestMessage;
        Assert.Equal("remove background", query.Body);
    }

    [Fact]
    public async Task CreatePredictionAsync_OfficialModel_PostsToModelRouteWithTokenAndPreferWait()
    {
        _fake.CreateOfficial("black-forest-labs", "flux-schnell", ApiSamples.Object("02"));

        var prediction = await CreateSut().CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 7, CT);

        Assert.Equal(Id, prediction.Id);
        Assert.Equal("starting", prediction.Status);
        Assert.False(prediction.IsTerminal);
        var request = Assert.Single(_fake.Server.LogEntries).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/models/black-forest-labs/flux-schnell/predictions", request.Path);
        Assert.Equal($"Bearer {StatefulReplicateFake.Token}", request.Headers!["Authorization"].Single());
        Assert.Equal("wait=7", request.Headers["Prefer"].Single());
        var body = JsonNode.Parse(request.Body!)!.AsObject();
        Assert.False(body.ContainsKey("version"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Input.GetRawText()), body["input"]));
    }

    [Fact]
    public async Task CreatePredictionAsync_HeldAtTheGateLongerThanAnAttempt_IsSentWhenTheGateOpens()
    {
        // A 429 blocks every create of the process for as long as Replicate asked (up to 2 min), and a burst of creates
        // queues for its pace: neither wait sends anything, so neither may count against the attempt's time limit (which,
        // when it runs out, reports the create as one that may have reached Replicate and fails its item).
        _fake.CreateOfficial("black-forest-labs", "flux-schnell", ApiSamples.Object("02"));
        var time = new FakeTimeProvider(ExecCoreHarness.Start);
        var sut = CreateSut(time);
        _cores[^1].Services.GetRequiredService<RateLimitGate>().BackOff(TimeSpan.FromSeconds(60));

        var create = sut.CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT);
        for (var second = 0; second < 60; second++)
        {
            Assert.Empty(_fake.Server.LogEntries); // nothing leaves while the gate is shut
            time.Advance(TimeSpan.FromSeconds(1));
        }
        var prediction = await create.WaitAsync(TimeSpan.FromSeconds(30), CT);

        Assert.Equal(Id, prediction.Id);
        Assert.Single(_fake.Server.LogEntries);
    }

    [Fact]
    public async Task CreatePredictionAsync_VersionedModel_PostsVersionAndInputToPredictions()
    {
        var version = StatefulReplicateFake.Version('a');
        _fake.CreateVersioned(ApiSamples.Object("02"));

        var prediction = await CreateSut().CreatePredictionAsync(Model($"stability-ai/sdxl:{version}"), Input, 60, CT);

        Assert.Equal(Id, prediction.Id);
        Assert.Equal("starting", prediction.Status);
        var request = Assert.Single(_fake.Server.LogEntries).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/predictions", request.Path);
        Assert.Equal($"Bearer {StatefulReplicateFake.Token}", request.Headers!["Authorization"].Single());
        Assert.Equal("wait=60", request.Headers["Prefer"].Single());
        var body = JsonNode.Parse(request.Body!)!.AsObject();
        Assert.Equal(version, (string?)body["version"]);
        Assert.Equal("a corgi", (string?)body["input"]!["prompt"]);
    }

    [Fact]
    public async Task GetPredictionAsync_ImageSucceeded_ParsesOutputArrayOfUrls()
    {
        _fake.Get(Id, ApiSamples.Object("03"));

        var prediction = await CreateSut().GetPredictionAsync(Id, CT);

        Assert.Equal("succeeded", prediction.Status);
        Assert.True(prediction.IsTerminal);
        var output = prediction.Output!.Value;
        Assert.Equal(JsonValueKind.Array, output.ValueKind);
        Assert.Equal("https://replicate.delivery/pbxt/gDoc64M9pRaQNdZb0evCRgm57WZJ5BKi0T5kzV6qm2tGmd8IA/out-0.png", Assert.Single(output.EnumerateArray()).GetString());
        Assert.Equal(5.524512, prediction.Metrics!.Value.GetProperty("predict_time").GetDouble());
        Assert.Null(prediction.ErrorText);
        Assert.StartsWith("Using seed: 42069", prediction.Logs);
        Assert.Equal("/v1/predictions/" + Id, Assert.Single(_fake.Server.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public async Task GetPredictionAsync_LlmTokenArray_ParsesEveryToken()
    {
        const string llm = "jp9nrd1g2hrj20cjb2vrb55mkr";
        _fake.Get(llm, ApiSamples.Object("04"));

        var prediction = await CreateSut().GetPredictionAsync(llm, CT);

        Assert.Equal(llm, prediction.Id);
        Assert.Equal("succeeded", prediction.Status);
        Assert.Equal("meta/meta-llama-3-8b-instruct", prediction.Model);
        var tokens = prediction.Output!.Value.EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Equal(12, tokens.Length);
        Assert.Equal("\n\nFuzzy, gentle beasts\nSoftly grazing, quiet eyes\nLlama's gentle charm", string.Concat(tokens));
    }

    [Fact]
    public async Task GetPredictionAsync_VideoSingleUrl_ParsesOutputString()
    {
        const string video = "ype2b3w02xrme0cqadzrms82nm";
        _fake.Get(video, ApiSamples.Object("05"));

        var prediction = await CreateSut().GetPredictionAsync(video, CT);

        Assert.Equal(video, prediction.Id);
        Assert.Equal("succeeded", prediction.Status);
        Assert.Equal(JsonValueKind.String, prediction.Output!.Value.ValueKind);
        Assert.Equal("https://replicate.delivery/xezq/EXAMPLE/tmpuumvokey.mp4", prediction.Output.Value.GetString());
    }

    [Fact]
    public async Task GetPredictionAsync_Failed_ParsesErrorText()
    {
        const string failed = "q3k2xg7m1hrj40cjb3a9bc2def";
        _fake.Get(failed, ApiSamples.Object("06"));

        var prediction = await CreateSut().GetPredictionAsync(failed, CT);

        Assert.Equal("failed", prediction.Status);
        Assert.True(prediction.IsTerminal);
        Assert.Equal("CUDA out of memory. Tried to allocate 16.00 GiB", prediction.ErrorText);
        Assert.Null(prediction.Output);
    }

    [Fact]
    public async Task GetPredictionAsync_CanceledWithOddFieldOrderAndExtraFields_Parses()
    {
        const string canceled = "hdwst0bb05rgp0cf0p29mzk2am";
        _fake.Get(canceled, ApiSamples.Object("07"));

        var prediction = await CreateSut().GetPredictionAsync(canceled, CT);

        Assert.Equal(canceled, prediction.Id);
        Assert.Equal("canceled", prediction.Status);
        Assert.True(prediction.IsTerminal);
        Assert.Equal("stability-ai/sdxl", prediction.Model);
        Assert.Equal("39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b", prediction.Version);
        Assert.Null(prediction.Logs);
        Assert.Null(prediction.ErrorText);
    }

    [Fact]
    public async Task CreatePredictionAsync_429WithRetryAfterHeaderThen201_WaitsAndRetriesOnce()
    {
        const string path = "/v1/models/black-forest-labs/flux-schnell/predictions";
        _fake.Server.Given(Request.Create().WithPath(path).UsingPost()).InScenario("throttled").WillSetStateTo("open")
            .RespondWith(StatefulReplicateFake.JsonResponse(429, ApiSamples.Error("429_docs")).WithHeader("Retry-After", "1"));
        _fake.Server.Given(Request.Create().WithPath(path).UsingPost()).InScenario("throttled").WhenStateIs("open")
            .RespondWith(StatefulReplicateFake.JsonResponse(201, ApiSamples.Object("02")));
        var sut = CreateSut();

        var clock = Stopwatch.StartNew();
        var prediction = await sut.CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT);

        Assert.Equal(Id, prediction.Id);
        Assert.Equal(2, _fake.Requests("POST", path).Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task CreatePredictionAsync_429WithBodyRetryAfterThen201_WaitsAndRetriesOnce()
    {
        const string path = "/v1/predictions";
        var throttled = ApiSamples.Error("429_low_credit_observed");
        throttled["retry_after"] = 1;
        _fake.Server.Given(Request.Create().WithPath(path).UsingPost()).InScenario("low credit").WillSetStateTo("open")
            .RespondWith(StatefulReplicateFake.JsonResponse(429, throttled));
        _fake.Server.Given(Request.Create().WithPath(path).UsingPost()).InScenario("low credit").WhenStateIs("open")
            .RespondWith(StatefulReplicateFake.JsonResponse(201, ApiSamples.Object("02")));
        var sut = CreateSut();

        var clock = Stopwatch.StartNew();
        var prediction = await sut.CreatePredictionAsync(Model($"stability-ai/sdxl:{StatefulReplicateFake.Version('b')}"), Input, 5, CT);

        Assert.Equal(Id, prediction.Id);
        var requests = _fake.Requests("POST", path);
        Assert.Equal(2, requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.True(requests[1].RequestMessage.DateTime - requests[0].RequestMessage.DateTime >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task GetPredictionAsync_AnotherRequestGot429_ConcurrentRequestWaitsForTheBlockToo()
    {
        const string throttledId = "throttled1";
        const string otherId = "other1";
        _fake.Server.Given(Request.Create().WithPath($"/v1/predictions/{throttledId}").UsingGet()).InScenario("block").WillSetStateTo("open")
            .RespondWith(StatefulReplicateFake.JsonResponse(429, ApiSamples.Error("429_docs")).WithHeader("Retry-After", "1"));
        _fake.Server.Given(Request.Create().WithPath($"/v1/predictions/{throttledId}").UsingGet()).InScenario("block").WhenStateIs("open")
            .RespondWith(StatefulReplicateFake.JsonResponse(200, ApiSamples.Prediction("03", throttledId)));
        _fake.Get(otherId, ApiSamples.Prediction("03", otherId));
        // Signals when the refused request is parked on the gate's delay (at most 1 s; less on a slow machine):
        // the block is in place by then.
        var time = new TimerSignalingTimeProvider(TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1500));
        var sut = CreateSut(time);

        var throttled = sut.GetPredictionAsync(throttledId, CT);
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30), CT);
        var other = await sut.GetPredictionAsync(otherId, CT);
        await throttled;

        Assert.Equal(otherId, other.Id);
        var refusedAt = _fake.Requests("GET", $"/v1/predictions/{throttledId}")[0].RequestMessage.DateTime;
        var otherAt = Assert.Single(_fake.Requests("GET", $"/v1/predictions/{otherId}")).RequestMessage.DateTime;
        Assert.True(otherAt - refusedAt >= TimeSpan.FromMilliseconds(900), $"the other request arrived {(otherAt - refusedAt).TotalMilliseconds} ms after the 429");
    }

    [Fact]
    public async Task GetPredictionAsync_500Then200_RetriesAndSucceeds()
    {
        var path = $"/v1/predictions/{Id}";
        _fake.Server.Given(Request.Create().WithPath(path).UsingGet()).InScenario("flaky").WillSetStateTo("healthy")
            .RespondWith(StatefulReplicateFake.JsonResponse(500, new JsonObject { ["detail"] = "Internal server error" }));
        _fake.Server.Given(Request.Create().WithPath(path).UsingGet()).InScenario("flaky").WhenStateIs("healthy")
            .RespondWith(StatefulReplicateFake.JsonResponse(200, ApiSamples.Object("03")));

        var prediction = await CreateSut().GetPredictionAsync(Id, CT);

        Assert.Equal("succeeded", prediction.Status);
        Assert.Equal(2, _fake.Requests("GET", path).Count);
    }

    [Fact]
    public async Task CreatePredictionAsync_500_IsNotRetriedAndMessageSays500()
    {
        _fake.CreateOfficial("black-forest-labs", "flux-schnell", new JsonObject { ["detail"] = "Internal server error" }, status: 500);

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() =>
            CreateSut().CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("500", ex.Message);
        Assert.Single(_fake.Server.LogEntries);
    }

    [Theory]
    [InlineData(FaultType.EMPTY_RESPONSE)]
    [InlineData(FaultType.MALFORMED_RESPONSE_CHUNK)]
    public async Task CreatePredictionAsync_GarbledAnswer_IsNotRetried(FaultType fault)
    {
        _fake.Server.Given(Request.Create().WithPath("/v1/models/black-forest-labs/flux-schnell/predictions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(ApiSamples.Text("02")).WithFault(fault));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() =>
            CreateSut().CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT));

        Assert.True(ex is ReplicateApiException or HttpRequestException, ex.ToString());
        Assert.Single(_fake.Server.LogEntries);
    }

    [Fact]
    public async Task CreatePredictionAsync_ConnectionResetAfterRequestSent_IsNotRetried()
    {
        using var server = new DroppingHttpServer(drops: int.MaxValue);

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            CreateSut(apiBaseUrl: server.ApiBaseUrl).CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT));

        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task GetPredictionAsync_ConnectionResetThenAnswer_IsRetried()
    {
        using var server = new DroppingHttpServer(drops: 1, body: ApiSamples.Text("03"));

        var prediction = await CreateSut(apiBaseUrl: server.ApiBaseUrl).GetPredictionAsync(Id, CT);

        Assert.Equal("succeeded", prediction.Status);
        Assert.Equal(2, server.Requests);
    }

    [Theory]
    [InlineData(401, "401_application_problem+json", new[] { "REPLICATE_API_TOKEN", "401" })]
    [InlineData(402, "402", new[] { "credit", "402" })]
    [InlineData(404, "404_generic", new[] { "not found", "404", "black-forest-labs/flux-schnell" })]
    [InlineData(422, "422_input_validation", new[] { "input: prompt is required", "input.num_inference_steps: Must be less than or equal to 4" })]
    [InlineData(422, "422_extra_body_property", new[] { "version is required", "Additional property model is not allowed" })]
    public async Task CreatePredictionAsync_ErrorStatus_ThrowsWithClearMessageWithoutToken(int status, string sample, string[] fragments)
    {
        _fake.CreateOfficial("black-forest-labs", "flux-schnell", ApiSamples.Error(sample), status);

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() =>
            CreateSut().CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        foreach (var fragment in fragments) Assert.Contains(fragment, ex.Message);
        Assert.DoesNotContain(StatefulReplicateFake.Token, ex.Message);
        Assert.Single(_fake.Server.LogEntries);
    }

    [Fact]
    public async Task GetPredictionAsync_404_SaysPredictionNotFoundAndWhereIdsComeFrom()
    {
        _fake.Get(Id, new JsonObject { ["detail"] = "Not found.", ["status"] = 404 }, 404);

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() => CreateSut().GetPredictionAsync(Id, CT));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains($"prediction {Id}: not found on Replicate (404)", ex.Message);
        Assert.Contains("prediction_id", ex.Message);
        Assert.DoesNotContain("replicate_search_models", ex.Message);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(422)]
    [InlineData(500)]
    public async Task GetPredictionAsync_ErrorBodyEchoesTheToken_MessageDoesNotContainIt(int status)
    {
        // A proxy or a misbehaving server may echo the request's headers back in its error detail.
        _fake.Get(Id, new JsonObject
        {
            ["title"] = $"Refused: Bearer {StatefulReplicateFake.Token}",
            ["detail"] = $"Authorization: Bearer {StatefulReplicateFake.Token}",
            ["status"] = status,
        }, status);

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() => CreateSut().GetPredictionAsync(Id, CT));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.DoesNotContain(StatefulReplicateFake.Token, ex.Message);
    }

    [Fact]
    public async Task GetPredictionAsync_302Redirect_IsNotFollowed()
    {
        _fake.Server.Given(Request.Create().WithPath($"/v1/predictions/{Id}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _fake.Url + "/elsewhere"));
        _fake.Json(Request.Create().WithPath("/elsewhere").UsingGet(), 200, ApiSamples.Object("03"));

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() => CreateSut().GetPredictionAsync(Id, CT));

        Assert.Equal(HttpStatusCode.Found, ex.StatusCode);
        Assert.Empty(_fake.Requests("GET", "/elsewhere"));
        Assert.Single(_fake.Server.LogEntries);
    }

    [Fact]
    public async Task CreatePredictionAsync_302Redirect_IsNotFollowed()
    {
        _fake.Server.Given(Request.Create().WithPath("/v1/models/black-forest-labs/flux-schnell/predictions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _fake.Url + "/elsewhere"));
        _fake.Json(Request.Create().WithPath("/elsewhere").UsingPost(), 201, ApiSamples.Object("02"));

        await Assert.ThrowsAsync<ReplicateApiException>(() =>
            CreateSut().CreatePredictionAsync(Model("black-forest-labs/flux-schnell"), Input, 5, CT));

        Assert.DoesNotContain(_fake.Server.LogEntries, e => e.RequestMessage.Path == "/elsewhere");
        Assert.Single(_fake.Server.LogEntries);
    }

    [Fact]
    public async Task UploadFileAsync_PostsMultipartContentFilenameAndType_ReadsUrlsGet()
    {
        var body = File.ReadAllText("/work/shared/replicate-api/10-file-response-201.json");
        _fake.Server.Given(Request.Create().WithPath("/v1/files").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(body));

        var uploaded = await CreateSut().UploadFileAsync("photo 1.png", "image/png", [1, 2, 3, 4], CT);

        Assert.Equal("https://api.replicate.com/v1/files/NGZiNmY2YzQtMThhZi00ZjcyLWFhZjktODg4NTY0NWNlMDEy", uploaded.Urls.Get);
        Assert.Equal(new DateTimeOffset(2024, 8, 23, 12, 26, 51, 79, TimeSpan.Zero), uploaded.ExpiresAt);
        var request = Assert.Single(_fake.Server.LogEntries).RequestMessage;
        Assert.StartsWith("multipart/form-data; boundary=", request.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
        Assert.Equal($"Bearer {StatefulReplicateFake.Token}", request.Headers["Authorization"].Single());
        var form = await new MultipartReaderForm(request.Headers["Content-Type"].Single(), request.BodyAsBytes!).ReadAsync(CT);
        Assert.Equal([1, 2, 3, 4], form["content"].Bytes);
        Assert.Equal(("photo 1.png", "image/png"), (form["content"].FileName, form["content"].ContentType));
        Assert.Equal("photo 1.png", form["filename"].Text);
        Assert.Equal("image/png", form["type"].Text);
    }

    [Fact]
    public async Task UploadFileAsync_ServerError_IsNotRetried_ThrottleIs()
    {
        _fake.Server.Given(Request.Create().WithPath("/v1/files").UsingPost()).InScenario("upload").WillSetStateTo("throttled")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0").WithBody("""{"detail":"slow down","status":429}"""));
        _fake.Server.Given(Request.Create().WithPath("/v1/files").UsingPost()).InScenario("upload").WhenStateIs("throttled")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"detail":"boom","status":500}"""));

        var ex = await Assert.ThrowsAsync<ReplicateApiException>(() => CreateSut().UploadFileAsync("a.png", "image/png", [1], CT));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(2, _fake.Server.LogEntries.Count);
    }
}
