using ReplicateMcp.Downloads;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>Builds the contract's result from a finished prediction, downloading its files when asked.</summary>
internal sealed class PredictionResultBuilder(OutputDownloader downloader)
{
    public async Task<PredictionResult> BuildAsync(Prediction prediction, bool download, string downloadFolder, bool pending, CancellationToken cancellationToken)
    {
        var (urls, dataUris) = PredictionOutputs.FindFiles(prediction.Output);
        var localPaths = new List<string>();
        var pathByDataUri = new Dictionary<string, string>(StringComparer.Ordinal);
        string? downloadError = null;

        // data: URIs are always written out: they are already here, and inlining them would bloat every status.
        var files = new List<OutputFile>();
        if (download) files.AddRange(urls.Select((u, i) => new OutputFile(i, u)));
        files.AddRange(dataUris.Distinct(StringComparer.Ordinal).Select((d, i) => new OutputFile(urls.Count + i, d)));
        if (files.Count > 0 && prediction.Status == PredictionStatuses.Succeeded)
        {
            var outcome = await downloader.DownloadAsync(files, downloadFolder, cancellationToken);
            for (var i = 0; i < files.Count; i++)
            {
                if (outcome.LocalPaths[i] is not { } path) continue;
                localPaths.Add(path);
                if (!files[i].Source.StartsWith("http", StringComparison.OrdinalIgnoreCase)) pathByDataUri[files[i].Source] = path;
            }
            downloadError = outcome.Error;
        }

        return new PredictionResult
        {
            PredictionId = prediction.Id,
            Status = prediction.Status,
            Urls = urls,
            LocalPaths = localPaths,
            TextOutput = PredictionOutputs.Text(prediction.Output),
            Output = PredictionOutputs.ReplaceDataUris(prediction.Output, pathByDataUri),
            Metrics = prediction.Metrics,
            Pending = pending,
            Error = prediction.ErrorText,
            LogsTail = PredictionOutputs.LogsTail(prediction.Logs),
            DownloadError = downloadError,
        };
    }
}
