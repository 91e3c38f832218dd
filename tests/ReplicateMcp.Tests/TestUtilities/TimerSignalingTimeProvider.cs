namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// Real time, but reports when a timer with a due time in a given range is created: lets a test know
/// that code is parked on a delay without sleeping.
/// </summary>
internal sealed class TimerSignalingTimeProvider(TimeSpan min, TimeSpan max) : TimeProvider
{
    private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a timer due between min and max has been created.</summary>
    public Task TimerCreated => _created.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = System.CreateTimer(callback, state, dueTime, period);
        if (dueTime >= min && dueTime <= max) _created.TrySetResult();
        return timer;
    }
}
