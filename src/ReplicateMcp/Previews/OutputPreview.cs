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
            // Files the job lists but that were deleted since are neither drawn nor linked.
            _files.AddRange(result.LocalPaths.Where(File.Exists));

            // Output n is saved as output-<n><ext> (contract §7): URLs first, then decoded data: URIs. A URL whose
            // file is not there was not downloaded (download false, or it failed).
            var byNumber = result.LocalPaths
                .Select(p => (Number: OutputNumber(p), Path: p))
                .Where(f => f.Number is not null)
                .DistinctBy(f => f.Number)
                .ToDictionary(f => f.Number!.Value, f => f.Path);
            var shown = new List<(string? Path, string? Note)>();
            for (var n = 0; n < result.Urls.Count; n++)
            {
                if (byNumber.TryGetValue(n, out var path)) { if (IsImage(path)) shown.Add((path, null)); }
                else if (IsImageUrl(result.Urls[n])) { shown.Add((null, NotDownloadedNote)); _notDownloaded++; }
            }
            shown.AddRange(byNumber.Where(f => f.Key >= result.Urls.Count && IsImage(f.Value)).OrderBy(f => f.Key).Select(f => ((string?)f.Value, (string?)null)));

            for (var n = 0; n < shown.Count; n++)
            {
                var (path, note) = shown[n];
                var name = shown.Count == 1 ? label : string.Create(CultureInfo.InvariantCulture, $"{label} [{n}]");
                _tiles.Add(path is null ? new PreviewTile(name, null, PreviewTileStatus.Missing, note)
                    : File.Exists(path) ? new PreviewTile(name, path, PreviewTileStatus.Ok)
                    : new PreviewTile(name, null, PreviewTileStatus.Missing, "file deleted"));
            }
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

        private static bool IsImage(string path) => MimeTypes.IsImage(MimeTypes.ForPath(path));

        /// <summary>n of a file named <c>output-&lt;n&gt;&lt;ext&gt;</c>, else null.</summary>
        private static int? OutputNumber(string path)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            return name.StartsWith("output-", StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }

        /// <summary>
        /// Whether an output URL names an image by its extension. Replicate's file URLs carry one; a URL without
        /// any (an API link) is not counted, so it never shows as a picture that was not downloaded.
        /// </summary>
        private static bool IsImageUrl(string url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && MimeTypes.IsImage(MimeTypes.ForPath(uri.AbsolutePath));
    }
}
