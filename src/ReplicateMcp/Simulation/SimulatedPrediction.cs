namespace ReplicateMcp.Simulation;

/// <summary>One simulated prediction: facts fixed at creation; its status is derived from the clock on every read.</summary>
internal sealed class SimulatedPrediction
{
    private readonly TaskCompletionSource _canceled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _canceledAtTicks = -1;

    public required string Id { get; init; }

    /// <summary>"owner/name", or a placeholder when created by a version the simulator never served.</summary>
    public required string Model { get; init; }

    public required string Version { get; init; }

    /// <summary>The input exactly as posted (a JSON object).</summary>
    public required string InputJson { get; init; }

    public required string? Prompt { get; init; }

    public required ModelFamily Family { get; init; }

    public required bool Fails { get; init; }

    public required ulong Seed { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>When the run ends (succeeded or failed) unless it is cancelled first.</summary>
    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>Number of files an image model writes.</summary>
    public required int OutputCount { get; init; }

    /// <summary>The whole token stream of a text model; empty for other families.</summary>
    public required IReadOnlyList<string> Tokens { get; init; }

    public required int InputTokenCount { get; init; }

    /// <summary>Completes when the prediction is cancelled, so a held <c>Prefer: wait</c> answers at once.</summary>
    public Task Canceled => _canceled.Task;

    public DateTimeOffset? CanceledAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _canceledAtTicks);
            return ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>When the prediction is (or will be) terminal.</summary>
    public DateTimeOffset TerminalAt => CanceledAt ?? EndsAt;

    /// <summary>Cancels the run unless it has already ended; cancelling twice keeps the first time.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (now >= EndsAt)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _canceledAtTicks, now.UtcTicks, -1) == -1)
        {
            _canceled.TrySetResult();
        }
    }

    /// <summary>The status as of <paramref name="now"/>.</summary>
    public SimulatedPredictionStatus StatusAt(DateTimeOffset now)
    {
        if (CanceledAt is { } canceledAt && canceledAt <= now)
        {
            return SimulatedPredictionStatus.Canceled;
        }

        if (now >= EndsAt)
        {
            return Fails ? SimulatedPredictionStatus.Failed : SimulatedPredictionStatus.Succeeded;
        }

        return now >= StartsAt ? SimulatedPredictionStatus.Processing : SimulatedPredictionStatus.Starting;
    }

    /// <summary>Share of the run (0–1) done by <paramref name="now"/>, stopping where a cancel stopped it.</summary>
    public double ProgressAt(DateTimeOffset now)
    {
        var end = now < TerminalAt ? now : TerminalAt;
        var run = EndsAt - StartsAt;
        if (end < StartsAt)
        {
            return 0;
        }

        return run <= TimeSpan.Zero ? 1 : Math.Clamp((end - StartsAt) / run, 0, 1);
    }
}
