using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SkiaSharp;

namespace ReplicateMcp.Tests.Simulation;

/// <summary>The simulator's image models: size, prompt, output format, upscaling, background removal, uploads.</summary>
public sealed class SimulatedImagesTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sim.Dispose();

    private async Task<(byte[] Bytes, string? MediaType, string Url)> OutputAsync(string model, string inputJson)
    {
        var body = await _sim.RunAsync(model, inputJson);
        var url = body.GetProperty("output")[0].GetString()!;
        using var response = await _sim.Client.GetAsync(url, CT);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(CT), response.Content.Headers.ContentType?.MediaType, url);
    }

    private static SKBitmap Decode(byte[] bytes) => SKBitmap.Decode(bytes) ?? throw new InvalidOperationException("not an image");

    [Theory]
    [InlineData("""{"prompt":"a","width":320,"height":200}""", 320, 200)]
    [InlineData("""{"prompt":"a","aspect_ratio":"16:9"}""", 455, 256)]
    [InlineData("""{"prompt":"a","aspect_ratio":"2:3"}""", 256, 384)]
    public async Task Generator_RequestedSizeOrAspectRatio(string input, int width, int height)
    {
        var (bytes, _, _) = await OutputAsync("black-forest-labs/flux-schnell", input);

        using var image = Decode(bytes);
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    [Fact]
    public async Task Generator_DifferentPrompts_LookDifferent()
    {
        using var a = Decode((await OutputAsync("black-forest-labs/flux-schnell", """{"prompt":"a red fox"}""")).Bytes);
        using var b = Decode((await OutputAsync("black-forest-labs/flux-schnell", """{"prompt":"a blue whale"}""")).Bytes);

        var differing = 0;
        for (var y = 0; y < a.Height; y += 8)
            for (var x = 0; x < a.Width; x += 8)
                if (a.GetPixel(x, y) != b.GetPixel(x, y)) differing++;
        Assert.True(differing > 500, $"{differing} of 1024 sampled pixels differ");
    }

    [Theory]
    [InlineData("webp", ".webp", "image/webp", SKEncodedImageFormat.Webp)]
    [InlineData("jpg", ".jpg", "image/jpeg", SKEncodedImageFormat.Jpeg)]
    [InlineData("png", ".png", "image/png", SKEncodedImageFormat.Png)]
    public async Task Generator_OutputFormat_IsHonoured(string format, string extension, string mediaType, SKEncodedImageFormat encoded)
    {
        var (bytes, type, url) = await OutputAsync("black-forest-labs/flux-schnell", $$"""{"prompt":"a","output_format":"{{format}}"}""");

        Assert.EndsWith(extension, url, StringComparison.Ordinal);
        Assert.Equal(mediaType, type);
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        Assert.Equal(encoded, codec.EncodedFormat);
    }

    [Fact]
    public async Task Upscaler_ScalesAnUploadedImage()
    {
        using var source = new SKBitmap(40, 30);
        source.Erase(SKColors.Teal);
        var png = SKImage.FromBitmap(source).Encode(SKEncodedImageFormat.Png, 100).ToArray();
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(content, "content", "small.png");
        form.Add(new StringContent("small.png"), "filename");
        form.Add(new StringContent("image/png"), "type");

        using var upload = await _sim.Client.PostAsync(new Uri(SimulatorHarness.BaseUrl, "files"), form, CT);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        using var answer = JsonDocument.Parse(await upload.Content.ReadAsStringAsync(CT));
        var get = answer.RootElement.GetProperty("urls").GetProperty("get").GetString()!;
        Assert.Equal(("small.png", "image/png", 0L + png.Length), (answer.RootElement.GetProperty("name").GetString(),
            answer.RootElement.GetProperty("content_type").GetString(), answer.RootElement.GetProperty("size").GetInt64()));
        using var download = await _sim.Client.GetAsync(get + "/download", CT);
        Assert.Equal(png, await download.Content.ReadAsByteArrayAsync(CT));

        var (bytes, _, _) = await OutputAsync("nightmareai/real-esrgan", $$"""{"image":"{{get}}","scale":4}""");

        using var image = Decode(bytes);
        Assert.Equal((160, 120), (image.Width, image.Height));
        Assert.Equal(SKColors.Teal, image.GetPixel(80, 60));
    }

    [Fact]
    public async Task BackgroundRemover_DataUriInput_ReturnsPngWithTransparency()
    {
        using var source = new SKBitmap(100, 80);
        source.Erase(SKColors.Orange);
        var dataUri = "data:image/png;base64," + Convert.ToBase64String(SKImage.FromBitmap(source).Encode(SKEncodedImageFormat.Png, 100).ToArray());

        var (bytes, type, _) = await OutputAsync("lucataco/remove-bg", $$"""{"image":"{{dataUri}}"}""");

        using var image = Decode(bytes);
        Assert.Equal("image/png", type);
        Assert.Equal((100, 80), (image.Width, image.Height));
        Assert.Equal(0, image.GetPixel(1, 1).Alpha);
        Assert.Equal(SKColors.Orange, image.GetPixel(50, 40));
    }

    [Fact]
    public async Task Upscaler_OutputOfAnEarlierPrediction_IsRead()
    {
        var (_, _, url) = await OutputAsync("black-forest-labs/flux-schnell", """{"prompt":"x","width":64,"height":48}""");

        var (bytes, _, _) = await OutputAsync("nightmareai/real-esrgan", $$"""{"image":"{{url}}","scale":2}""");

        using var image = Decode(bytes);
        Assert.Equal((128, 96), (image.Width, image.Height));
    }
}
