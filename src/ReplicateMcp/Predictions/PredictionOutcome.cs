namespace ReplicateMcp.Predictions;

/// <summary>How one prediction ended: expected failures are values, not exceptions.</summary>
internal sealed record PredictionOutcome(ItemStatus Status, PredictionResult? Result, string? Error)
{
    public static PredictionOutcome Failed(string error, string? predictionId = null) =>
        new(ItemStatus.Failed, predictionId is null ? null : new PredictionResult { PredictionId = predictionId, Status = "failed", Error = error }, error);
}
