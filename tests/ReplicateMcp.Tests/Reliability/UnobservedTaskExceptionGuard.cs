using ReplicateMcp.Tests.Reliability;

[assembly: AssemblyFixture(typeof(UnobservedTaskExceptionGuard))]

namespace ReplicateMcp.Tests.Reliability;

/// <summary>Fails the run when any task's exception went unobserved (a fire-and-forget that lost a failure).</summary>
public sealed class UnobservedTaskExceptionGuard : IDisposable
{
    private readonly List<Exception> _seen = [];

    public UnobservedTaskExceptionGuard() => TaskScheduler.UnobservedTaskException += OnUnobserved;

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        // Cancellations that nobody awaited are not failures.
        if (e.Exception.InnerExceptions.All(x => x is OperationCanceledException)) return;
        lock (_seen) _seen.Add(e.Exception);
    }

    public void Dispose()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        lock (_seen)
            if (_seen.Count > 0)
                throw new InvalidOperationException($"{_seen.Count} unobserved task exception(s); first: {_seen[0]}");
    }
}
