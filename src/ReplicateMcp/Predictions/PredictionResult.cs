using System.Text.Json;
using System.Text.Json.Serialization;

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

    /// <summary>In job statuses only: how the item's earlier attempts ended (CONTRACT §10), oldest first; never stored with the result.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PredictionAttempt>? Attempts { get; init; }
}

/// <summary>One earlier attempt of a retried item: its prediction (null if none was created), how it ended, and why.</summary>
internal sealed record PredictionAttempt(string? PredictionId, string Status, string? Error);
