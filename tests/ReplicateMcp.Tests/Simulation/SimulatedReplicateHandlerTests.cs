using System.Net;
using System.Text;
using System.Text.Json;
using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

public sealed class SimulatedReplicateHandlerTests : IDisposable
{
    private const string ImageModel = "black-forest-labs/flux-schnell";
    private readonly SimulatorHarness _sim = new(duration: TimeSpan.FromSeconds(10), starting: TimeSpan.FromSeconds(2));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sim.Dispose();

    [Fact]
    public async Task Create_ModelRoute_Returns201StartingBodyShapedLikeReplicate()
    {
        using var response = await _sim.Client.SendAsync(SimulatorHarness.CreateRequest(ImageModel, """{"prompt":"a corgi"}"""), CT);
        var body = await SimulatorHarness.ReadAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body.GetProperty("id").GetString()!;
        Assert.Matches("^[a-z0-9]{26}$", id);
        Assert.Equal(ImageModel, body.GetProperty("model").GetString());
        Assert.Equal("hidden", body.GetProperty("version").GetString());
        Assert.Equal("starting", body.GetProperty("status").GetString());
        Assert.Equal("a corgi", body.GetProperty("input").GetProperty("prompt").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("output").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
        Assert.Equal("", body.GetProperty("logs").GetString());
        Assert.Equal(_sim.Time.GetUtcNow(), body.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal($"https://api.replicate.com/v1/predictions/{id}", body.GetProperty("urls").GetProperty("get").GetString());
        Assert.Equal($"https://api.replicate.com/v1/predictions/{id}/cancel", body.GetProperty("urls").GetProperty("cancel").GetString());
        Assert.Equal(1, _sim.Handler.CreatedCount);
    }

    [Fact]
    public async Task Create_VersionRoute_RunsTheModelThatServedTheVersion()
    {
        var model = await _sim.GetAsync("models/nightmareai/real-esrgan");
        var version = model.GetProperty("latest_version").GetProperty("id").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "predictions")
        {
            Content = new StringContent($$$"""{"version":"{{{version}}}","input":{"image":"https://example.com/a.png"}}""", Encoding.UTF8, "application/json"),
        };

        using var response = await _sim.Client.SendAsync(request, CT);
        var body = await SimulatorHarness.ReadAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("nightmareai/real-esrgan", body.GetProperty("model").GetString());
        Assert.Equal(version, body.GetProperty("version").GetString());
    }

    [Theory]
    [InlineData("""{"input":{}}""", "version is required")]
    [InlineData("""{"version":"abc","input":{}}""", "does not exist")]
    public async Task Create_BadVersion_Returns422(string json, string detail)
    {
        using var response = await _sim.Client.PostAsync("predictions", new StringContent(json, Encoding.UTF8, "application/json"), CT);
        var body = await SimulatorHarness.ReadAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(detail, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _sim.Handler.CreatedCount);
    }

    [Fact]
    public async Task Create_TextModelWithoutPrompt_Returns422InvalidField()
    {
        using var response = await _sim.Client.SendAsync(SimulatorHarness.CreateRequest("meta/meta-llama-3-8b-instruct", "{}"), CT);
        var body = await SimulatorHarness.ReadAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("prompt is required", body.GetProperty("invalid_fields")[0].GetProperty("description").GetString());
    }

    [Fact]
    public async Task Get_AsFakeTimeAdvances_ProgressesStartingProcessingSucceeded()
    {
        var id = (await _sim.CreateAsync(ImageModel, """{"prompt":"a corgi"}""")).GetProperty("id").GetString();

        Assert.Equal("starting", (await _sim.GetAsync("predictions/" + id)).GetProperty("status").GetString());

        _sim.Time.Advance(TimeSpan.FromSeconds(5));
        var processing = await _sim.GetAsync("predictions/" + id);
        Assert.Equal("processing", processing.GetProperty("status").GetString());
        Assert.True(processing.TryGetProperty("started_at", out _));
        Assert.False(processing.TryGetProperty("completed_at", out _));
        var halfwayLogs = processing.GetProperty("logs").GetString()!;
        Assert.StartsWith("Using seed:", halfwayLogs, StringComparison.Ordinal);

        _sim.Time.Advance(TimeSpan.FromSeconds(5));
        var done = await _sim.GetAsync("predictions/" + id);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.True(done.GetProperty("logs").GetString()!.Length > halfwayLogs.Length);
        Assert.Single(done.GetProperty("output").EnumerateArray());
        Assert.Equal(8.0, done.GetProperty("metrics").GetProperty("predict_time").GetDouble(), 3);
        Assert.Equal(_sim.Time.GetUtcNow(), done.GetProperty("completed_at").GetDateTimeOffset());
        Assert.Equal(_sim.Time.GetUtcNow().AddSeconds(-8), done.GetProperty("started_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Create_PreferWaitWithZeroDuration_ReturnsTerminalInOneResponse()
    {
        using var sim = new SimulatorHarness(duration: TimeSpan.Zero);

        var body = await sim.CreateAsync(ImageModel, """{"prompt":"x"}""", prefer: "wait");

        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(1, sim.Handler.RequestCount);
    }

    [Fact]
    public async Task Create_PreferWait_HoldsUntilTerminalOnFakeTime()
    {
        var armed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.Handler.HoldStarted = id => armed.TrySetResult(id);

        var pending = _sim.Client.SendAsync(SimulatorHarness.CreateRequest(ImageModel, """{"prompt":"x"}""", "wait=30"), CT);
        await armed.Task.WaitAsync(CT);
        Assert.False(pending.IsCompleted);

        _sim.Time.Advance(TimeSpan.FromSeconds(10));
        using var response = await pending;
        var body = await SimulatorHarness.ReadAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_PreferWaitShorterThanRun_AnswersWithCurrentStateAfterWait()
    {
        var armed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.Handler.HoldStarted = id => armed.TrySetResult(id);

        var pending = _sim.Client.SendAsync(SimulatorHarness.CreateRequest(ImageModel, """{"prompt":"x"}""", "wait=3"), CT);
        await armed.Task.WaitAsync(CT);
        _sim.Time.Advance(TimeSpan.FromSeconds(3));
        using var response = await pending;

        Assert.Equal("processing", (await SimulatorHarness.ReadAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_PreferWaitAndRequestCancelled_AbortsTheHold()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(CT);
        var armed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.Handler.HoldStarted = id => armed.TrySetResult(id);

        var pending = _sim.Client.SendAsync(SimulatorHarness.CreateRequest(ImageModel, """{"prompt":"x"}""", "wait=60"), cts.Token);
        await armed.Task.WaitAsync(CT);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task Cancel_DuringHeldWait_EndsTheHoldWithCanceledBody()
    {
        var armed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.Handler.HoldStarted = id => armed.TrySetResult(id);

        var pending = _sim.Client.SendAsync(SimulatorHarness.CreateRequest(ImageModel, """{"prompt":"x"}""", "wait=60"), CT);
        var id = await armed.Task.WaitAsync(CT);
        using (await _sim.Client.PostAsync($"predictions/{id}/cancel", null, CT))
        {
        }

        using var response = await pending;
        Assert.Equal("canceled", (await SimulatorHarness.ReadAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_WhileProcessing_BecomesCanceledAndStaysCanceled()
    {
        var id = (await _sim.CreateAsync(ImageModel, """{"prompt":"x"}""")).GetProperty("id").GetString();
        _sim.Time.Advance(TimeSpan.FromSeconds(4));

        using var response = await _sim.Client.PostAsync($"predictions/{id}/cancel", null, CT);
        var canceled = await SimulatorHarness.ReadAsync(response);
        _sim.Time.Advance(TimeSpan.FromSeconds(30));
        var later = await _sim.GetAsync("predictions/" + id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, canceled.GetProperty("output").ValueKind);
        Assert.Equal(2.0, canceled.GetProperty("metrics").GetProperty("predict_time").GetDouble(), 3);
        Assert.Equal("canceled", later.GetProperty("status").GetString());
        Assert.Equal(canceled.GetProperty("completed_at").GetString(), later.GetProperty("completed_at").GetString());
    }

    [Fact]
    public async Task Cancel_AfterSucceeded_LeavesItSucceeded()
    {
        var done = await _sim.RunAsync(ImageModel, """{"prompt":"x"}""");

        using var response = await _sim.Client.PostAsync($"predictions/{done.GetProperty("id").GetString()}/cancel", null, CT);

        Assert.Equal("succeeded", (await SimulatorHarness.ReadAsync(response)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GET", "predictions/doesnotexist00000000000000")]
    [InlineData("POST", "predictions/doesnotexist00000000000000/cancel")]
    [InlineData("GET", "account/nothing")]
    [InlineData("DELETE", "predictions")]
    [InlineData("GET", "https://example.com/v1/predictions")]
    public async Task Send_UnknownPathOrId_Returns404Body(string method, string path)
    {
        using var response = await _sim.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), CT);
        var body = await SimulatorHarness.ReadAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("The requested resource could not be found.", body.GetProperty("detail").GetString());
        Assert.Equal(404, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task RequestCount_CountsEveryRequest()
    {
        await _sim.RunAsync(ImageModel, """{"prompt":"x"}""");

        Assert.Equal(2, _sim.Handler.RequestCount);
        Assert.Equal(1, _sim.Handler.CreatedCount);
    }

    [Fact]
    public async Task Handler_SharedByTwoClients_SeesTheSamePredictions()
    {
        var id = (await _sim.CreateAsync(ImageModel, """{"prompt":"x"}""")).GetProperty("id").GetString();
        using var other = new HttpClient(_sim.Handler, disposeHandler: false) { BaseAddress = SimulatorHarness.BaseUrl };

        using var response = await other.GetAsync("predictions/" + id, CT);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Constructor_BaseUrlWithoutTrailingSlash_Throws()
    {
        var options = new SimulatorOptions { BaseUrl = new Uri("https://api.replicate.com/v1") };

        var error = Assert.Throws<ArgumentException>(() => new SimulatedReplicateHandler(options, TimeProvider.System));
        Assert.Contains("end in '/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartingDuration_NotSet_Is15PercentOfPredictionDuration()
    {
        var options = new SimulatorOptions { PredictionDuration = TimeSpan.FromSeconds(20) };

        Assert.Equal(TimeSpan.FromSeconds(3), options.StartingDuration);
    }
}
