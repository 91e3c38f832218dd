using System.Text.Json;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>Pipeline status (contract §3).</summary>
internal sealed record PipelineStatusView(
    string PipelineId, string Kind, string Status, int Total, int Queued, int Running, int Succeeded, int Failed, int TimedOut, int Canceled, int Skipped,
    string CreatedAt, string? CompletedAt, string? ExpiresAt, string? Note, IReadOnlyList<PipelineStepView> Steps);

internal sealed record PipelineStepView(
    string Id, string Model, string Status, IReadOnlyList<string> DependsOn, string? PredictionId, JsonElement? Input,
    string? StartedAt, string? CompletedAt, PredictionResult? Result, string? Error, string? SkipReason);
