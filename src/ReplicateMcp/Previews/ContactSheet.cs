using SkiaSharp;

namespace ReplicateMcp.Previews;

/// <summary>
/// Draws a job's outputs as labelled thumbnails in a grid (CONTRACT §9): at most 1024 px wide and 300 KB. PNG is tried
/// first; when it is too big, JPEG and WebP at falling quality, then smaller tiles, until the sheet fits.
/// </summary>
internal static class ContactSheet
{
    public const int MaxWidth = 1024;
    public const int MaxBytes = 300 * 1024;

    private const int Gap = 4;
    private const int LabelHeight = 18;
    private static readonly int[] TileSizes = [248, 200, 160, 124, 96, 72, 48, 32];
    private static readonly int[] JpegQualities = [85, 70, 55, 40];
    private static readonly int[] WebpQualities = [75, 50];

    /// <summary>Renders <paramref name="tiles"/> (at least one) in the order given.</summary>
    public static ContactSheetImage Render(IReadOnlyList<PreviewTile> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfZero(tiles.Count);

        ContactSheetImage? smallest = null;
        // Decoded once at the largest tile size; smaller tiles scale these down when drawn.
        var thumbnails = tiles.Select(t => PreviewThumbnail.Load(t, TileSizes[0])).ToList();
        try
        {
            foreach (var tileSize in TileSizes.Where(size => size == TileSizes[^1] || SheetPixels(tiles.Count, size) <= MaxSheetPixels))
            {
                using var sheet = Draw(tiles, thumbnails, tileSize);
                foreach (var candidate in Encodings(sheet))
                {
                    if (candidate.Bytes.Length <= MaxBytes)
                        return candidate;
                    if (smallest is null || candidate.Bytes.Length < smallest.Bytes.Length)
                        smallest = candidate;
                }
            }
        }
        finally
        {
            foreach (var thumbnail in thumbnails) thumbnail.Dispose();
        }

        // Only a sheet of thousands of tiles gets here; the smallest attempt is still a fair picture.
        return smallest!;
    }

    // Photos compress to about 1 byte a pixel at best as JPEG: bigger sheets cannot fit 300 KB, so are not tried.
    private const long MaxSheetPixels = 1_600_000;

    private static long SheetPixels(int count, int tileSize)
    {
        var cell = tileSize + Gap;
        var columns = Math.Clamp((MaxWidth - Gap) / cell, 1, count);
        var rows = (count + columns - 1) / columns;
        return (long)(Gap + (columns * cell)) * (Gap + (rows * (cell + LabelHeight)));
    }

    private static IEnumerable<ContactSheetImage> Encodings(SKBitmap sheet)
    {
        using var image = SKImage.FromBitmap(sheet);
        yield return Encode(image, SKEncodedImageFormat.Png, 100, "image/png");
        foreach (var quality in JpegQualities)
            yield return Encode(image, SKEncodedImageFormat.Jpeg, quality, "image/jpeg");
        foreach (var quality in WebpQualities)
            yield return Encode(image, SKEncodedImageFormat.Webp, quality, "image/webp");
    }

    private static ContactSheetImage Encode(SKImage image, SKEncodedImageFormat format, int quality, string mimeType)
    {
        using var data = image.Encode(format, quality);
        return new ContactSheetImage(data.ToArray(), mimeType, image.Width, image.Height);
    }

    private static SKBitmap Draw(IReadOnlyList<PreviewTile> tiles, IReadOnlyList<PreviewThumbnail> thumbnails, int tileSize)
    {
        var cell = tileSize + Gap;
        var columns = Math.Clamp((MaxWidth - Gap) / cell, 1, tiles.Count);
        var rows = (tiles.Count + columns - 1) / columns;
        var width = Gap + (columns * cell);
        var height = Gap + (rows * (cell + LabelHeight));

        // Returned to the caller, which disposes it; disposed here if drawing throws.
#pragma warning disable CA2000
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
#pragma warning restore CA2000
        try
        {
            using var canvas = new SKCanvas(bitmap);
            canvas.Clear(new SKColor(0x22, 0x22, 0x22));
            using var font = new SKFont(SKTypeface.Default, 13);
            for (var i = 0; i < tiles.Count; i++)
            {
                var x = Gap + (i % columns * cell);
                var y = Gap + (i / columns * (cell + LabelHeight));
                var box = SKRect.Create(x, y, tileSize, tileSize);
                thumbnails[i].DrawInto(canvas, box, font);
                DrawLabel(canvas, font, tiles[i], thumbnails[i], SKRect.Create(x, y + tileSize, tileSize, LabelHeight));
            }

            return bitmap;
        }
        catch
        {
            bitmap.Dispose(); // a failed drawing must not leak the native pixels
            throw;
        }
    }

    private static void DrawLabel(SKCanvas canvas, SKFont font, PreviewTile tile, PreviewThumbnail thumbnail, SKRect area)
    {
        var failed = tile.Status != PreviewTileStatus.Ok || thumbnail.Problem is not null;
        using var background = new SKPaint { Color = failed ? new SKColor(0x8b, 0x1a, 0x1a) : new SKColor(0x33, 0x33, 0x33) };
        canvas.DrawRect(area, background);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        var text = Fit(tile.Label, font, area.Width - 6);
        canvas.DrawText(text, area.Left + 3, area.Bottom - 5, SKTextAlign.Left, font, ink);
    }

    /// <summary><paramref name="text"/> shortened with an ellipsis until it fits <paramref name="width"/>.</summary>
    internal static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width)
            return text;
        for (var length = text.Length - 1; length > 0; length--)
        {
            var shortened = text[..length] + "…";
            if (font.MeasureText(shortened) <= width)
                return shortened;
        }

        return "…";
    }
}
