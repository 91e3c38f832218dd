namespace ReplicateMcp.Replicate;

/// <summary>
/// Replicate's clock as seen from this process. Replicate's clock and the machine's can differ by minutes, and a
/// <c>created_after</c> bound in the machine's time could then skip the very prediction it looks for (CONTRACT §5).
/// Every sample (a <c>Date</c> header, a <c>created_at</c>) was taken by Replicate before the answer reached us, so
/// "sample minus our time at arrival" can only underestimate the offset: keeping the largest recent one gives a
/// Replicate time that is never later than Replicate's real time, which is the safe side for a lower bound.
/// </summary>
internal sealed class ReplicateClock(TimeProvider time)
{
    /// <summary>Samples older than this give way to newer ones, so a clock corrected on either side is followed.</summary>
    public static readonly TimeSpan SampleLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Taken off a list's <c>created_after</c> bound: <c>created_at</c> is rounded to microseconds and samples of the clock lag.</summary>
    public static readonly TimeSpan ListMargin = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private TimeSpan? _offset;
    private DateTimeOffset _offsetTakenAt;

    /// <summary>Whether Replicate's time has been seen yet; until then <see cref="Now"/> is the local clock.</summary>
    public bool IsKnown
    {
        get { lock (_lock) return _offset is not null; }
    }

    /// <summary>Replicate's time minus the local time (zero until a sample arrives).</summary>
    public TimeSpan Offset
    {
        get { lock (_lock) return _offset ?? TimeSpan.Zero; }
    }

    /// <summary>Now, in Replicate's clock, never later than Replicate's real time (as far as the samples tell).</summary>
    public DateTimeOffset Now => time.GetUtcNow() + Offset;

    /// <summary>Converts a local time to Replicate's clock.</summary>
    public DateTimeOffset ToReplicate(DateTimeOffset local) => local + Offset;

    /// <summary>Records a time Replicate stamped on an answer that has just arrived.</summary>
    public void Observe(DateTimeOffset replicateTime)
    {
        var now = time.GetUtcNow();
        var sample = replicateTime - now;
        lock (_lock)
        {
            if (_offset is not { } current || sample > current || now - _offsetTakenAt > SampleLifetime)
            {
                _offset = sample;
                _offsetTakenAt = now;
            }
        }
    }

    /// <summary>Records the <c>Date</c> header of an answer, when it has one.</summary>
    public void Observe(HttpResponseMessage response)
    {
        // Date has whole seconds: the real time at Replicate was at or after it, so it stays a lower bound.
        if (response.Headers.Date is { } date)
            Observe(date);
    }
}
