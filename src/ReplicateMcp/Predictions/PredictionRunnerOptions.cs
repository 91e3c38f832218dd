using System.ComponentModel.DataAnnotations;

namespace ReplicateMcp.Predictions;

/// <summary>Process-wide limits and the polling rhythm.</summary>
internal sealed class PredictionRunnerOptions
{
    /// <summary>Predictions in flight across all jobs of this process (REPLICATE_MCP_MAX_CONCURRENCY).</summary>
    [Range(1, 500)]
    public int MaxConcurrency { get; set; } = 20;

    /// <summary>First poll after a create that came back unfinished.</summary>
    public TimeSpan FirstPollDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Poll every second for the first minute, so a finish shows within a second; then slow down.</summary>
    public TimeSpan SteadyPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan SteadyPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An unbroken run of failing polls is survived this long before the item fails.</summary>
    public TimeSpan PollFailureBudget { get; set; } = TimeSpan.FromSeconds(90);
}
