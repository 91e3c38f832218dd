using System.ComponentModel.DataAnnotations;

namespace ReplicateMcp.Predictions;

/// <summary>Process-wide limits; the rhythm of following lives in <see cref="PredictionTracker"/>.</summary>
internal sealed class PredictionRunnerOptions
{
    /// <summary>Predictions in flight across all jobs of this process (REPLICATE_MCP_MAX_CONCURRENCY).</summary>
    [Range(1, 500)]
    public int MaxConcurrency { get; set; } = 20;

    /// <summary>An unbroken run of failing requests while following is survived this long before the item fails.</summary>
    public TimeSpan PollFailureBudget { get; set; } = TimeSpan.FromSeconds(90);
}
