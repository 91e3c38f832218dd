namespace ReplicateMcp.Simulation;

/// <summary>Settings of the offline Replicate simulator.</summary>
internal sealed class SimulatorOptions
{
    private TimeSpan? _startingDuration;

    /// <summary>API root the simulator answers under; must end in '/'.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.replicate.com/v1/");

    /// <summary>Time from creation until a prediction is terminal.</summary>
    public TimeSpan PredictionDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Time a prediction stays <c>starting</c>; 15% of <see cref="PredictionDuration"/> unless set.</summary>
    public TimeSpan StartingDuration
    {
        get => _startingDuration ?? PredictionDuration * 0.15;
        set => _startingDuration = value;
    }

    /// <summary>How long a finished prediction can still be read; Replicate deletes an API prediction's files after an hour.</summary>
    public TimeSpan KeepFinishedFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Predictions kept at most; beyond it the oldest finished are forgotten early (running ones never).</summary>
    public int MaxKeptPredictions { get; set; } = 10_000;

    /// <summary>Where "flaky" models remember first attempts across processes (<see cref="SimulatedFlakiness"/>); null: this process only.</summary>
    public string? FlakyMemoryDirectory { get; set; }

    /// <summary>Host that serves output files, as replicate.delivery does for the real API.</summary>
    public string FileHost { get; set; } = "replicate.delivery";
}
