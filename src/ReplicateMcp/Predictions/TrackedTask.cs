namespace ReplicateMcp.Predictions;

/// <summary>How the tracker and the finder hand out a task they complete on a tick.</summary>
internal static class TrackedTask
{
    /// <summary>The tracked task itself when nothing can cancel the wait; else one that also ends (and cleans up) on cancel.</summary>
    /// <remarks>With a token that cannot cancel, the task is done when the tick that completed it is (tests rely on it).</remarks>
    public static Task<T> Await<T>(Task<T> task, Action onCancel, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled) return task;
        var registration = cancellationToken.Register(onCancel);
        // Observes the fault too: a caller that cancelled never reads it.
        _ = task.ContinueWith(t => { registration.Dispose(); _ = t.Exception; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task.WaitAsync(cancellationToken);
    }
}
