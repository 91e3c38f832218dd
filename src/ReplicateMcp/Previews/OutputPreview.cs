using System.Globalization;
using ReplicateMcp.Jobs;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Previews;

/// <summary>
/// What a preview shows of a job or one prediction: a tile per image output (and per item that has none to show
/// yet: failed, queued, not downloaded…) and every downloaded file, to be linked. MCP-free: the tool adapters draw
/// the tiles and turn the files into resource links.
/// </summary>
/// <param name="Tiles">In item (or step) order, then output order.</param>
/// <param name="DownloadedFiles">Every local path of every result, in the same order; each existed when read.</param>
/// <param name="NotDownloaded">Image outputs that have a URL but no local file (download was false, or it failed).</param>
internal sealed record OutputPreview(IReadOnlyList<PreviewTile> Tiles, IReadOnlyList<string> DownloadedFiles, int NotDownloaded)
{
    public const string NotDownloadedNote = "not downloaded";

    /// <summary>The tiles and files of every item or step, labelled with its index (batch) or id (pipeline).</summary>
    public static OutputPreview Of(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var builder = new Builder();
        foreach (var item in job.Items)
        {
            var label = item.StepId ?? "item " + item.Index.ToString(CultureInfo.InvariantCulture);
            if (item.Status == ItemStatus.Succeeded && item.Result is { } result)
                builder.AddOutputs(label, result);
            else
                builder.AddPlaceholder(label, item.Status);
        }
        return builder.Build();
    }

    /// <summary>The tiles and files of one prediction's result (<c>replicate_get_prediction</c>).</summary>
    public static OutputPreview Of(PredictionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var builder = new Builder();
        if (result.Status == "succeeded")
            builder.AddOutputs("output", result);
        else
            builder.AddTile(new PreviewTile("output", null, result.Status is "starting" or "processing" ? PreviewTileStatus.Missing : PreviewTileStatus.Failed, result.Status));
        return builder.Build();
    }

    private sealed class Builder
    {
        private readonly List<PreviewTile> _tiles = [];
        private readonly List<string> _files = [];
        private int _notDownloaded;

        public void AddTile(PreviewTile tile) => _tiles.Add(tile);

        public void AddOutputs(string label, PredictionResult result)
        {
            var images = result.LocalPaths.Where(p => MimeTypes.IsImage(MimeTypes.ForPath(p))).ToList();
            // Files the job lists but that were deleted since are neither drawn nor linked.
            _files.AddRange(result.LocalPaths.Where(File.Exists));
            // local_paths follow urls in order, but a failed download leaves a gap: count the image URLs left over.
            var imageUrls = result.Urls.Count(IsImageUrl);
            var missing = Math.Max(0, imageUrls - images.Count);
            var count = images.Count + missing;
            for (var n = 0; n < images.Count; n++)
                _tiles.Add(File.Exists(images[n])
                    ? new PreviewTile(Numbered(label, n, count), images[n], PreviewTileStatus.Ok)
                    : new PreviewTile(Numbered(label, n, count), null, PreviewTileStatus.Missing, "file deleted"));
            for (var n = images.Count; n < count; n++)
                _tiles.Add(new PreviewTile(Numbered(label, n, count), null, PreviewTileStatus.Missing, NotDownloadedNote));
            _notDownloaded += missing;
        }

        /// <summary>An item with no result to show: one tile saying why (failed, timed out, queued…).</summary>
        public void AddPlaceholder(string label, ItemStatus status)
        {
            var word = status.ToWire().Replace('_', ' ');
            var tileStatus = status is ItemStatus.Failed or ItemStatus.TimedOut or ItemStatus.Canceled or ItemStatus.Skipped
                ? PreviewTileStatus.Failed
                : PreviewTileStatus.Missing;
            _tiles.Add(new PreviewTile(label, null, tileStatus, word));
        }

        public OutputPreview Build() => new(_tiles, _files, _notDownloaded);

        private static string Numbered(string label, int n, int count) =>
            count == 1 ? label : string.Create(CultureInfo.InvariantCulture, $"{label} [{n}]");

        /// <summary>
        /// Whether an output URL names an image by its extension. Replicate's file URLs carry one; a URL without
        /// any (an API link) is not counted, so it never shows as a picture that was not downloaded.
        /// </summary>
        private static bool IsImageUrl(string url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && MimeTypes.IsImage(MimeTypes.ForPath(uri.AbsolutePath));
    }
}
