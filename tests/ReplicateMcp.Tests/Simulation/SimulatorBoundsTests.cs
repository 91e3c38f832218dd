using System.Net;
using System.Text.Json;
using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

/// <summary>A <c>--simulate</c> server may run for days: what the simulator keeps stays bounded.</summary>
public sealed class SimulatorBoundsTests : IDisposable
{
    private const string ImageModel = "black-forest-labs/flux-schnell";
    private readonly SimulatorHarness _sim = new(duration: TimeSpan.FromSeconds(10));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sim.Dispose();

    [Fact]
    public async Task Create_AfterAnOldPredictionEndedLongAgo_ForgetsIt()
    {
        var old = await IdAsync();
        _sim.Time.Advance(_sim.Options.PredictionDuration + _sim.Options.KeepFinishedFor - TimeSpan.FromSeconds(1));
        var recent = await IdAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusOfGetAsync(old));

        _sim.Time.Advance(TimeSpan.FromSeconds(1));
        await IdAsync();

        Assert.Equal(HttpStatusCode.NotFound, await StatusOfGetAsync(old));
        Assert.Equal(HttpStatusCode.OK, await StatusOfGetAsync(recent));
        Assert.Equal(2, _sim.Handler.KeptCount);
    }

    [Fact]
    public async Task Create_BeyondTheCap_ForgetsTheOldestFinishedButNeverARunningOne()
    {
        _sim.Options.MaxKeptPredictions = 3;
        var finished = new List<string>();
        for (var i = 0; i < 4; i++) finished.Add(await IdAsync());
        _sim.Time.Advance(_sim.Options.PredictionDuration);

        var running = new List<string>();
        for (var i = 0; i < 4; i++) running.Add(await IdAsync());

        Assert.Equal(4, _sim.Handler.KeptCount);
        foreach (var id in finished) Assert.Equal(HttpStatusCode.NotFound, await StatusOfGetAsync(id));
        foreach (var id in running) Assert.Equal(HttpStatusCode.OK, await StatusOfGetAsync(id));
    }

    [Fact]
    public async Task Upload_BeyondTheCap_ForgetsTheOldest()
    {
        var urls = new List<string>();
        for (var i = 0; i <= SimulatedUploads.MaxKept; i++) urls.Add(await UploadAsync($"file {i}"));

        using var oldest = await _sim.Client.GetAsync(urls[0], CT);
        using var second = await _sim.Client.GetAsync(urls[1], CT);

        Assert.Equal(HttpStatusCode.NotFound, oldest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    private async Task<string> UploadAsync(string text)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(text), "content", "note.txt");
        using var response = await _sim.Client.PostAsync(new Uri(SimulatorHarness.BaseUrl, "files"), form, CT);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CT));
        return answer.RootElement.GetProperty("urls").GetProperty("get").GetString()!;
    }

    private async Task<string> IdAsync() =>
        (await _sim.CreateAsync(ImageModel, """{"prompt":"a corgi"}""")).GetProperty("id").GetString()!;

    private async Task<HttpStatusCode> StatusOfGetAsync(string id)
    {
        using var response = await _sim.Client.GetAsync("predictions/" + id, CT);
        return response.StatusCode;
    }
}
