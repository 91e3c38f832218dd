using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>Batch status (contract §3); every field is always present.</summary>
internal sealed record BatchStatusView(
    string JobId, string Kind, string Status, int Total, int Queued, int Running, int Succeeded, int Failed, int TimedOut, int Canceled,
    string CreatedAt, string? CompletedAt, string? ExpiresAt, string? Note, IReadOnlyList<BatchItemView> Items);

internal sealed record BatchItemView(
    int Index, string Model, string Status, string? PredictionId, string? StartedAt, string? CompletedAt, PredictionResult? Result, string? Error);
