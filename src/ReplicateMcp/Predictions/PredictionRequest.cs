using System.Text.Json;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>What to run, for how long, and where its files go (relative to the download folder).</summary>
internal sealed record PredictionRequest(ModelRef Model, JsonElement Input, TimeSpan Timeout, bool Download, string DownloadFolder);
