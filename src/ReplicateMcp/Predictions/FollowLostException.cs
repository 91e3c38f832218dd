namespace ReplicateMcp.Predictions;

/// <summary>The tracker could not reach Replicate for longer than its budget; the prediction may still finish.</summary>
internal sealed class FollowLostException(TimeSpan budget, string lastFault)
    : Exception($"Lost contact with Replicate for {budget.TotalSeconds:0} s ({lastFault}).")
{
    public string LastFault { get; } = lastFault;

    public TimeSpan Budget { get; } = budget;
}
