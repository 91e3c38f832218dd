namespace ReplicateMcp.Simulation;

/// <summary>Replicate's prediction statuses, as the simulator reports them.</summary>
internal enum SimulatedPredictionStatus
{
    Starting,
    Processing,
    Succeeded,
    Failed,
    Canceled,
}
