using System.Text.Json;

namespace ReplicateMcp.Predictions;

/// <summary>One prediction's result as the contract (§3) shows it; every field is always present.</summary>
internal sealed record PredictionResult
{
    public string? PredictionId { get; init; }
    public string Status { get; init; } = "";
    public IReadOnlyList<string> Urls { get; init; } = [];
    public IReadOnlyList<string> LocalPaths { get; init; } = [];
    public IReadOnlyList<string> TextOutput { get; init; } = [];
    public JsonElement? Output { get; init; }
    public JsonElement? Metrics { get; init; }
    public bool Pending { get; init; }
    public string? Error { get; init; }
    public string? LogsTail { get; init; }
    public string? DownloadError { get; init; }
}
