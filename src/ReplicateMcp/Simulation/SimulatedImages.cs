using System.Globalization;
using System.Text.Json;
using SkiaSharp;

namespace ReplicateMcp.Simulation;

/// <summary>
/// Images worth looking at for simulated image models: generators draw shapes and colours seeded by the prompt (with
/// the prompt written on), in the requested size or aspect ratio; upscalers scale their input by <c>scale</c>;
/// background removers cut their input out onto transparency. <c>output_format</c> (png, jpg, webp) is honoured.
/// </summary>
internal static class SimulatedImages
{
    public const int DefaultSide = 256;
    private const int MaxSide = 2048;

    /// <summary>The extension an image model's outputs get, from <c>output_format</c> (png by default).</summary>
    public static string Extension(string inputJson)
    {
        using var input = JsonDocument.Parse(inputJson);
        return SimulatedRequest.ReadString(input.RootElement, "output_format")?.ToLowerInvariant() switch
        {
            "jpg" or "jpeg" => ".jpg",
            "webp" => ".webp",
            _ => ".png",
        };
    }

    public static string MediaType(string extension) => extension switch
    {
        ".jpg" => "image/jpeg",
        ".webp" => "image/webp",
        _ => "image/png",
    };

    public static bool IsUpscaler(string model) =>
        model.Contains("upscal", StringComparison.OrdinalIgnoreCase) || model.Contains("esrgan", StringComparison.OrdinalIgnoreCase);

    public static bool IsBackgroundRemover(string model) =>
        model.Contains("remove-bg", StringComparison.OrdinalIgnoreCase) || model.Contains("rembg", StringComparison.OrdinalIgnoreCase)
        || model.Contains("background", StringComparison.OrdinalIgnoreCase);

    /// <summary>Output <paramref name="index"/> of an image prediction; <paramref name="readInput"/> fetches an input image's bytes.</summary>
    public static byte[] Render(SimulatedPrediction prediction, int index, string extension, Func<string, byte[]?> readInput)
    {
        using var input = JsonDocument.Parse(prediction.InputJson);
        var root = input.RootElement;
        var seed = StableHash.Mix(prediction.Seed, (ulong)index);
        using var bitmap = IsUpscaler(prediction.Model) ? Upscale(root, readInput, seed)
            : IsBackgroundRemover(prediction.Model) ? RemoveBackground(root, readInput, seed)
            : Generate(root, prediction.Prompt, seed);
        return Encode(bitmap, extension);
    }

    /// <summary>Width and height asked for: <c>width</c>/<c>height</c>, else <c>aspect_ratio</c> ("16:9") on a 256 px short side.</summary>
    public static (int Width, int Height) RequestedSize(JsonElement input)
    {
        var width = SimulatedRequest.ReadInt(input, "width");
        var height = SimulatedRequest.ReadInt(input, "height");
        if (width is not null || height is not null)
            return (Math.Clamp(width ?? height!.Value, 16, MaxSide), Math.Clamp(height ?? width!.Value, 16, MaxSide));

        if (SimulatedRequest.ReadString(input, "aspect_ratio") is { } ratio
            && ratio.Split(':') is [var w, var h]
            && double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var rw)
            && double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out var rh)
            && rw > 0 && rh > 0)
        {
            return rw >= rh
                ? (Math.Clamp((int)Math.Round(DefaultSide * rw / rh), 16, MaxSide), DefaultSide)
                : (DefaultSide, Math.Clamp((int)Math.Round(DefaultSide * rh / rw), 16, MaxSide));
        }

        return (DefaultSide, DefaultSide);
    }

    private static SKBitmap Generate(JsonElement input, string? prompt, ulong seed)
    {
        var (width, height) = RequestedSize(input);
        var random = new Random((int)(seed ^ (seed >> 32)));
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using (var sky = new SKPaint())
        {
            sky.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, sky);
        }

        using var paint = new SKPaint { IsAntialias = true };
        var shapes = 4 + random.Next(6);
        for (var i = 0; i < shapes; i++)
        {
            paint.Color = RandomColor(random).WithAlpha((byte)(140 + random.Next(110)));
            var x = random.Next(width);
            var y = random.Next(height);
            var r = (Math.Min(width, height) / 10) + random.Next(Math.Max(1, Math.Min(width, height) / 4));
            if (random.Next(2) == 0)
                canvas.DrawCircle(x, y, r, paint);
            else
                canvas.DrawRoundRect(SKRect.Create(x - r, y - r, r * 2, r * 1.4f), r / 5f, r / 5f, paint);
        }

        if (!string.IsNullOrWhiteSpace(prompt))
        {
            using var font = new SKFont(SKTypeface.Default, Math.Max(10, Math.Min(width, height) / 14f));
            using var band = new SKPaint { Color = new SKColor(0, 0, 0, 150) };
            canvas.DrawRect(0, height - (font.Size * 1.8f), width, font.Size * 1.8f, band);
            using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
            var text = prompt.Length > 60 ? prompt[..59] + "…" : prompt;
            canvas.DrawText(text, 6, height - (font.Size * 0.55f), SKTextAlign.Left, font, ink);
        }

        return bitmap;
    }

    private static SKBitmap Upscale(JsonElement input, Func<string, byte[]?> readInput, ulong seed)
    {
        using var source = ReadInputImage(input, readInput) ?? Generate(input, "no input image", seed);
        var scale = input.TryGetProperty("scale", out var s) && s.TryGetDouble(out var value) ? Math.Clamp(value, 1, 8) : 2;
        var width = Math.Clamp((int)Math.Round(source.Width * scale), 1, MaxSide * 2);
        var height = Math.Clamp((int)Math.Round(source.Height * scale), 1, MaxSide * 2);
        var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, SKRect.Create(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        return result;
    }

    private static SKBitmap RemoveBackground(JsonElement input, Func<string, byte[]?> readInput, ulong seed)
    {
        using var source = ReadInputImage(input, readInput) ?? Generate(input, "no input image", seed);
        var result = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Transparent);
        // The "subject" is an ellipse in the middle; everything around it becomes transparent.
        var oval = SKRect.Create(source.Width * 0.15f, source.Height * 0.1f, source.Width * 0.7f, source.Height * 0.8f);
        using var clip = new SKRoundRect(oval, oval.Width / 2, oval.Height / 2);
        canvas.ClipRoundRect(clip, SKClipOperation.Intersect, antialias: true);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, SKRect.Create(source.Width, source.Height), new SKSamplingOptions(SKFilterMode.Nearest));
        return result;
    }

    private static SKBitmap? ReadInputImage(JsonElement input, Func<string, byte[]?> readInput)
    {
        foreach (var name in new[] { "image", "img", "input_image", "image_url" })
        {
            if (SimulatedRequest.ReadString(input, name) is { } reference && readInput(reference) is { } bytes
                && SKBitmap.Decode(bytes) is { } bitmap)
            {
                // Keep the simulator quick with huge inputs: work on at most 1024 px.
                var fit = Math.Min(1f, 1024f / Math.Max(bitmap.Width, bitmap.Height));
                if (fit >= 1f)
                    return bitmap;
                using (bitmap)
                    return bitmap.Resize(new SKImageInfo((int)(bitmap.Width * fit), (int)(bitmap.Height * fit)), new SKSamplingOptions(SKFilterMode.Linear));
            }
        }

        return null;
    }

    private static byte[] Encode(SKBitmap bitmap, string extension)
    {
        using var image = SKImage.FromBitmap(bitmap);
        var format = extension switch
        {
            ".jpg" => SKEncodedImageFormat.Jpeg,
            ".webp" => SKEncodedImageFormat.Webp,
            _ => SKEncodedImageFormat.Png,
        };
        using var data = image.Encode(format, 85);
        return data.ToArray();
    }

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
