using System.Net;
using System.Text.Json;
using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

public sealed class SimulatedOutputsTests : IDisposable
{
    private readonly SimulatorHarness _sim = new(duration: TimeSpan.FromSeconds(4));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sim.Dispose();

    [Fact]
    public async Task Run_FailModel_FailsWithErrorAndTraceback()
    {
        var body = await _sim.RunAsync("acme/always-fail", """{"prompt":"x"}""");

        Assert.Equal("failed", body.GetProperty("status").GetString());
        Assert.StartsWith("Simulated failure:", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Traceback (most recent call last):", body.GetProperty("logs").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("output").ValueKind);
        Assert.True(body.GetProperty("metrics").TryGetProperty("predict_time", out _));
    }

    [Fact]
    public async Task Run_LlmModel_ReturnsTokenArrayWithTokenMetrics()
    {
        var body = await _sim.RunAsync("meta/meta-llama-3-8b-instruct", """{"prompt":"Please write a haiku about llamas"}""");

        var tokens = body.GetProperty("output").EnumerateArray().Select(t => t.GetString()).ToList();
        var text = string.Concat(tokens);
        var metrics = body.GetProperty("metrics");
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.InRange(tokens.Count, 8, 16);
        Assert.Contains("haiku", text, StringComparison.Ordinal);
        Assert.Equal(tokens.Count, metrics.GetProperty("output_token_count").GetInt32());
        Assert.True(metrics.GetProperty("input_token_count").GetInt32() > 0);
    }

    [Fact]
    public async Task Run_LlmModelWithMaxTokens_StopsAtMaxTokens()
    {
        var body = await _sim.RunAsync("openai/gpt-4o-mini", """{"prompt":"hello there","max_tokens":3}""");

        Assert.Equal(3, body.GetProperty("output").GetArrayLength());
    }

    [Fact]
    public async Task Get_LlmModelWhileProcessing_OutputGrows()
    {
        var id = (await _sim.CreateAsync("meta/meta-llama-3-8b-instruct", """{"prompt":"tell me a story"}""")).GetProperty("id").GetString();

        _sim.Time.Advance(TimeSpan.FromSeconds(2.5));
        var partial = (await _sim.GetAsync("predictions/" + id)).GetProperty("output").GetArrayLength();
        _sim.Time.Advance(TimeSpan.FromSeconds(2));
        var all = (await _sim.GetAsync("predictions/" + id)).GetProperty("output").GetArrayLength();

        Assert.InRange(partial, 1, all - 1);
    }

    [Fact]
    public async Task Run_CaptionModel_ReturnsDeterministicCaption()
    {
        var first = await _sim.RunAsync("salesforce/blip", """{"prompt":"caption","image":"https://example.com/a.png"}""");
        var second = await _sim.RunAsync("salesforce/blip", """{"image":"https://example.com/a.png","prompt":"caption"}""");

        var caption = string.Concat(first.GetProperty("output").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("a photograph of a ", caption, StringComparison.Ordinal);
        Assert.Equal(caption, string.Concat(second.GetProperty("output").EnumerateArray().Select(t => t.GetString())));
    }

    [Fact]
    public async Task Run_VideoModel_ReturnsSingleMp4UrlServingMp4Bytes()
    {
        var body = await _sim.RunAsync("minimax/video-01", """{"prompt":"a dancing corgi"}""");

        var url = body.GetProperty("output").GetString()!;
        Assert.Equal($"https://replicate.delivery/sim/{body.GetProperty("id").GetString()}/out-0.mp4", url);
        var bytes = await _sim.DownloadAsync(url);
        Assert.Equal("ftyp"u8.ToArray(), bytes[4..8]);
    }

    [Fact]
    public async Task Run_ImageModelWithNumOutputs_ReturnsThatManyPngUrls()
    {
        var body = await _sim.RunAsync("stability-ai/sdxl", """{"prompt":"x","num_outputs":3}""");

        var urls = body.GetProperty("output").EnumerateArray().Select(u => u.GetString()!).ToList();
        var id = body.GetProperty("id").GetString();
        Assert.Equal([0, 1, 2], urls.Select(u => int.Parse(u[(u.LastIndexOf('-') + 1)..u.LastIndexOf('.')], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(urls, u => Assert.StartsWith($"https://replicate.delivery/sim/{id}/out-", u, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Download_ImageOutput_IsValidDefaultSizePng()
    {
        var body = await _sim.RunAsync("black-forest-labs/flux-schnell", """{"prompt":"a corgi"}""");
        using var response = await _sim.Client.GetAsync(body.GetProperty("output")[0].GetString(), CT);
        var png = await response.Content.ReadAsByteArrayAsync(CT);

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var image = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal([137, 80, 78, 71, 13, 10, 26, 10], png[..8]); // the PNG signature
        Assert.Equal((SimulatedImages.DefaultSide, SimulatedImages.DefaultSide), (image.Width, image.Height));
    }

    [Fact]
    public async Task Download_SameModelAndInput_GivesSameBytes()
    {
        var first = await _sim.RunAsync("stability-ai/sdxl", """{"prompt":"a corgi","seed":1,"num_outputs":2}""");
        var second = await _sim.RunAsync("stability-ai/sdxl", """{"num_outputs":2,"seed":1,"prompt":"a corgi"}""");
        var other = await _sim.RunAsync("stability-ai/sdxl", """{"prompt":"a cat","seed":1,"num_outputs":2}""");

        var a = await _sim.DownloadAsync(first.GetProperty("output")[1].GetString()!);
        var b = await _sim.DownloadAsync(second.GetProperty("output")[1].GetString()!);
        var c = await _sim.DownloadAsync(other.GetProperty("output")[1].GetString()!);
        var a0 = await _sim.DownloadAsync(first.GetProperty("output")[0].GetString()!);

        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, a0);
    }

    [Theory]
    [InlineData("out-1.png")]
    [InlineData("out-0.mp4")]
    [InlineData("other.png")]
    public async Task Download_FileThePredictionDidNotWrite_Returns404(string file)
    {
        var body = await _sim.RunAsync("stability-ai/sdxl", """{"prompt":"x"}""");

        using var response = await _sim.Client.GetAsync($"https://replicate.delivery/sim/{body.GetProperty("id").GetString()}/{file}", CT);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Download_BeforeSucceeded_Returns404()
    {
        var id = (await _sim.CreateAsync("stability-ai/sdxl", """{"prompt":"x"}""")).GetProperty("id").GetString();

        using var response = await _sim.Client.GetAsync($"https://replicate.delivery/sim/{id}/out-0.png", CT);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
