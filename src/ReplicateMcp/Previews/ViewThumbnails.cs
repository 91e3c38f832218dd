using ReplicateMcp.Jobs;
using ReplicateMcp.LocalFiles;
using SkiaSharp;

namespace ReplicateMcp.Previews;

/// <summary>One output's thumbnail: the item's key (batch index or step id), the output's place in its local_paths, and a small WebP.</summary>
internal sealed record ViewThumbnail(string Item, int Output, string MimeType, byte[] Bytes, int Width, int Height);

/// <summary>
/// Small pictures of a job's downloaded image outputs, for the job view (contract §11): made here from the local
/// files, so they show under a host's Content-Security-Policy and after Replicate's URLs expire. Only files the job
/// itself lists are read.
/// </summary>
internal static class ViewThumbnails
{
    /// <summary>Longer side in px: sharp on a 2x screen in a panel tile of ~96 px, a few KB each.</summary>
    public const int Size = 192;

    private const int WebpQuality = 75;

    /// <param name="items">Item keys to include (batch indices as text, step ids); null for every item.</param>
    public static IReadOnlyList<ViewThumbnail> Of(Job job, IReadOnlySet<string>? items)
    {
        ArgumentNullException.ThrowIfNull(job);
        var thumbnails = new List<ViewThumbnail>();
        foreach (var item in job.Items)
        {
            if (item.Status != ItemStatus.Succeeded || item.Result is not { } result) continue;
            if (items is not null && !items.Contains(item.Key)) continue;
            for (var n = 0; n < result.LocalPaths.Count; n++)
            {
                var path = result.LocalPaths[n];
                if (!MimeTypes.IsImage(MimeTypes.ForPath(path))) continue;
                using var picture = PreviewThumbnail.Load(new PreviewTile(item.Key, path, PreviewTileStatus.Ok), Size);
                if (picture.Image is not { } image) continue;
                using var data = image.Encode(SKEncodedImageFormat.Webp, WebpQuality);
                if (data is null) continue;
                thumbnails.Add(new ViewThumbnail(item.Key, n, "image/webp", data.ToArray(), image.Width, image.Height));
            }
        }
        return thumbnails;
    }
}
