using ReplicateMcp.Previews;
using ReplicateMcp.Tests.TestUtilities;
using SkiaSharp;

namespace ReplicateMcp.Tests.Previews;

public sealed class ContactSheetTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Image(string name, int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png, bool noise = false, int seed = 1)
    {
        using var bitmap = new SKBitmap(width, height);
        if (noise)
        {
            var random = new Random(seed);
            var pixels = new byte[width * height * 4];
            random.NextBytes(pixels);
            for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        }
        else
        {
            bitmap.Erase(color);
        }

        using var data = SKImage.FromBitmap(bitmap).Encode(format, 90);
        var path = Path.Combine(_folder.Path, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static SKBitmap Decode(ContactSheetImage sheet) => SKBitmap.Decode(sheet.Bytes) ?? throw new InvalidOperationException("not an image");

    [Fact]
    public void Render_FewImages_PngOneRowWithinWidth()
    {
        PreviewTile[] tiles =
        [
            new("0", Image("a.png", 640, 480, SKColors.Red), PreviewTileStatus.Ok),
            new("1", Image("b.jpg", 300, 900, SKColors.Blue, SKEncodedImageFormat.Jpeg), PreviewTileStatus.Ok),
        ];

        var sheet = ContactSheet.Render(tiles);

        using var decoded = Decode(sheet);
        Assert.Equal("image/png", sheet.MimeType);
        Assert.Equal((sheet.Width, sheet.Height), (decoded.Width, decoded.Height));
        Assert.InRange(decoded.Width, 400, ContactSheet.MaxWidth);
        Assert.True(decoded.Height < decoded.Width, $"{decoded.Width}×{decoded.Height}: two tiles go in one row");
        // The middle of the first tile shows the red image, of the second the blue one.
        var tile = (decoded.Width - 4) / 2;
        AssertNear(SKColors.Red, decoded.GetPixel(4 + (tile / 2), 4 + (tile / 2)));
        AssertNear(SKColors.Blue, decoded.GetPixel(tile + 4 + (tile / 2), 4 + (tile / 2)));
    }

    [Fact]
    public void Render_FiftyLargeNoisyImages_StaysWithin300KbAnd1024Px()
    {
        var tiles = Enumerable.Range(0, 50)
            .Select(i => new PreviewTile($"items[{i}]", Image($"n{i}.jpg", 800, 600, SKColors.Black, SKEncodedImageFormat.Jpeg, noise: true, seed: i), PreviewTileStatus.Ok))
            .ToList();

        var sheet = ContactSheet.Render(tiles);

        using var decoded = Decode(sheet);
        Assert.InRange(sheet.Bytes.Length, 1, ContactSheet.MaxBytes);
        Assert.InRange(decoded.Width, 1, ContactSheet.MaxWidth);
        Assert.NotEqual("image/png", sheet.MimeType);
    }

    [Fact]
    public void Render_LabelsAreDrawnUnderEachTile()
    {
        var path = Image("a.png", 100, 100, SKColors.Green);
        var blank = ContactSheet.Render([new PreviewTile("", path, PreviewTileStatus.Ok)]);
        var labelled = ContactSheet.Render([new PreviewTile("step_upscale", path, PreviewTileStatus.Ok)]);

        using var a = Decode(blank);
        using var b = Decode(labelled);
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var labelRow = Enumerable.Range(0, a.Width).SelectMany(x => Enumerable.Range(a.Height - 20, 18).Select(y => (x, y)));
        var inked = labelRow.Count(p => b.GetPixel(p.x, p.y) != a.GetPixel(p.x, p.y) && b.GetPixel(p.x, p.y).Red > 0xc0);
        Assert.True(inked > 30, $"{inked} white label pixels");
    }

    [Fact]
    public void Render_CorruptFailedMissingAndText_AreMarkedTilesNotErrors()
    {
        var corrupt = Path.Combine(_folder.Path, "broken.png");
        File.WriteAllBytes(corrupt, [137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 4, 5]);
        var truncated = Path.Combine(_folder.Path, "truncated.jpg");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Image("full.jpg", 400, 400, SKColors.Yellow, SKEncodedImageFormat.Jpeg))[..300]);
        var text = Path.Combine(_folder.Path, "caption.txt");
        File.WriteAllText(text, "a corgi on a skateboard");
        var good = Image("ok.png", 50, 50, SKColors.Green);
        PreviewTile[] tiles =
        [
            new("0", good, PreviewTileStatus.Ok),
            new("1", corrupt, PreviewTileStatus.Ok),
            new("2", truncated, PreviewTileStatus.Ok),
            new("3", null, PreviewTileStatus.Failed),
            new("4", Path.Combine(_folder.Path, "gone.png"), PreviewTileStatus.Ok),
            new("5", null, PreviewTileStatus.Missing),
            new("6", text, PreviewTileStatus.Ok),
        ];

        var sheet = ContactSheet.Render(tiles);

        using var decoded = Decode(sheet);
        Assert.InRange(decoded.Width, 1, ContactSheet.MaxWidth);
        Assert.Equal("unreadable", PreviewThumbnailProblem(tiles[1]));
        Assert.Equal("failed", PreviewThumbnailProblem(tiles[3]));
        Assert.Equal("missing", PreviewThumbnailProblem(tiles[4]));
        Assert.Null(PreviewThumbnailProblem(tiles[6]));
    }

    [Fact]
    public void Render_NoTiles_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ContactSheet.Render([]));
    }

    private static void AssertNear(SKColor expected, SKColor actual) =>
        Assert.True(Math.Abs(expected.Red - actual.Red) + Math.Abs(expected.Green - actual.Green) + Math.Abs(expected.Blue - actual.Blue) < 12,
            $"expected about {expected}, got {actual}");

    private static string? PreviewThumbnailProblem(PreviewTile tile)
    {
        using var thumbnail = PreviewThumbnail.Load(tile, 100);
        return thumbnail.Problem;
    }
}
