namespace ReplicateMcp.Predictions;

/// <summary>How one prediction ended: expected failures are values, not exceptions.</summary>
internal sealed record PredictionOutcome(OutcomeStatus Status, PredictionResult? Result, string? Error)
{
    public static PredictionOutcome Failed(string error, string? predictionId = null) =>
        new(OutcomeStatus.Failed, predictionId is null ? null : new PredictionResult { PredictionId = predictionId, Status = "failed", Error = error }, error);
}

/// <summary>The ways a prediction ends, as its job sees them.</summary>
internal enum OutcomeStatus
{
    Succeeded,
    Failed,
    TimedOut,
    Canceled,
}
