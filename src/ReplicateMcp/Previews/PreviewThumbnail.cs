using SkiaSharp;

namespace ReplicateMcp.Previews;

/// <summary>
/// One tile's picture: the image scaled to fit, or a marked tile saying why there is none (failed, missing,
/// unreadable, not an image — text files show their first lines).
/// </summary>
internal sealed class PreviewThumbnail : IDisposable
{
    // A crafted file can claim enormous dimensions; never decode more than this many pixels for one tile.
    private const long MaxDecodedPixels = 40_000_000;

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase) { ".txt", ".md", ".json", ".csv", ".log", ".srt", ".vtt" };

    private PreviewThumbnail(SKImage? image, string? problem, IReadOnlyList<string> textLines)
    {
        Image = image;
        Problem = problem;
        TextLines = textLines;
    }

    public SKImage? Image { get; }

    /// <summary>Why no picture is shown ("failed", "missing", "unreadable"…); null when it is.</summary>
    public string? Problem { get; }

    public IReadOnlyList<string> TextLines { get; }

    public static PreviewThumbnail Load(PreviewTile tile, int size)
    {
        switch (tile.Status)
        {
            case PreviewTileStatus.Failed: return new(null, tile.Note ?? "failed", []);
            case PreviewTileStatus.Missing: return new(null, tile.Note ?? "missing", []);
        }

        if (tile.FilePath is not { } path || !File.Exists(path))
            return new(null, "missing", []);
        if (TextExtensions.Contains(Path.GetExtension(path)))
            return new(null, null, ReadText(path));

        try
        {
            using var stream = File.OpenRead(path);
            using var codec = SKCodec.Create(stream);
            if (codec is null)
                return new(null, LooksLikeImage(path) ? "unreadable" : $"{Path.GetExtension(path).TrimStart('.')} file", []);

            var info = codec.Info;
            var scale = Math.Min(1f, (float)size / Math.Max(info.Width, info.Height));
            var scaled = codec.GetScaledDimensions(scale);
            if ((long)scaled.Width * scaled.Height > MaxDecodedPixels)
                return new(null, "too large to preview", []);

            using var bitmap = new SKBitmap(new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
            var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
            if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
                return new(null, "unreadable", []);
            return new(Shrink(bitmap, size), null, []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new(null, "unreadable", []);
        }
    }

    /// <summary>
    /// The decoded picture at most <paramref name="size"/> px on its longer side. Only JPEG and WebP decode
    /// scaled: a PNG arrives whole, and a sheet of 100 full-size PNGs kept whole would hold gigabytes.
    /// </summary>
    private static SKImage Shrink(SKBitmap bitmap, int size)
    {
        var longer = Math.Max(bitmap.Width, bitmap.Height);
        if (longer <= size)
            return SKImage.FromBitmap(bitmap);
        var scale = (float)size / longer;
        var info = new SKImageInfo(Math.Max(1, (int)Math.Round(bitmap.Width * scale)), Math.Max(1, (int)Math.Round(bitmap.Height * scale)), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var small = bitmap.Resize(info, new SKSamplingOptions(SKCubicResampler.Mitchell));
        return small is null ? SKImage.FromBitmap(bitmap) : SKImage.FromBitmap(small);
    }

    public void DrawInto(SKCanvas canvas, SKRect box, SKFont font)
    {
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        if (Image is { } image)
        {
            var fit = Math.Min(box.Width / image.Width, box.Height / image.Height);
            var w = image.Width * fit;
            var h = image.Height * fit;
            var target = SKRect.Create(box.Left + ((box.Width - w) / 2), box.Top + ((box.Height - h) / 2), w, h);
            DrawChecker(canvas, target);
            canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            return;
        }

        using var fill = new SKPaint { Color = Problem is null ? new SKColor(0x2e, 0x34, 0x40) : new SKColor(0x4a, 0x12, 0x12) };
        canvas.DrawRect(box, fill);
        if (Problem is not null)
        {
            // A cross makes a failed or missing tile plain at any size, whatever fonts the machine has.
            using var cross = new SKPaint { Color = new SKColor(0xe0, 0x40, 0x40), StrokeWidth = 3, IsStroke = true, IsAntialias = true };
            canvas.DrawLine(box.Left + 8, box.Top + 8, box.Right - 8, box.Bottom - 8, cross);
            canvas.DrawLine(box.Right - 8, box.Top + 8, box.Left + 8, box.Bottom - 8, cross);
            canvas.DrawRect(SKRect.Create(box.Left + 1, box.Top + 1, box.Width - 2, box.Height - 2), cross);
            canvas.DrawText(ContactSheet.Fit(Problem.ToUpperInvariant(), font, box.Width - 8), box.MidX, box.MidY + 5, SKTextAlign.Center, font, ink);
            return;
        }

        var y = box.Top + 16;
        foreach (var line in TextLines)
        {
            if (y > box.Bottom - 4) break;
            canvas.DrawText(ContactSheet.Fit(line, font, box.Width - 8), box.Left + 4, y, SKTextAlign.Left, font, ink);
            y += 15;
        }
    }

    public void Dispose() => Image?.Dispose();

    private static void DrawChecker(SKCanvas canvas, SKRect box)
    {
        // Transparent outputs (background removal) show as transparent, not as black.
        using var light = new SKPaint { Color = new SKColor(0x99, 0x99, 0x99) };
        using var dark = new SKPaint { Color = new SKColor(0x66, 0x66, 0x66) };
        const int square = 8;
        for (var y = 0; y < box.Height; y += square)
        {
            for (var x = 0; x < box.Width; x += square)
            {
                var paint = ((x + y) / square) % 2 == 0 ? light : dark;
                canvas.DrawRect(SKRect.Create(box.Left + x, box.Top + y, Math.Min(square, box.Width - x), Math.Min(square, box.Height - y)), paint);
            }
        }
    }

    private static bool LooksLikeImage(string path) => ReplicateMcp.LocalFiles.MimeTypes.IsImage(ReplicateMcp.LocalFiles.MimeTypes.ForPath(path));

    private static IReadOnlyList<string> ReadText(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var buffer = new char[2000];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return [.. new string(buffer, 0, read).Split('\n').Select(l => l.TrimEnd('\r')).Take(20)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ["(unreadable)"];
        }
    }
}
