namespace ReplicateMcp.Cli;

/// <summary>
/// The first Ctrl+C asks the run to cancel its job (the process stays up until that is done);
/// a second one ends the process at once.
/// </summary>
internal sealed class ConsoleInterrupt : IDisposable
{
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancel = new();
    private int _presses;

    public ConsoleInterrupt() => Console.CancelKeyPress += OnCancelKeyPress;

    /// <summary>Canceled at the first Ctrl+C.</summary>
    public CancellationToken Token => _cancel.Token;

    public bool IsRequested => _requested.Task.IsCompleted;

    public Task WhenRequested => _requested.Task;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (Interlocked.Increment(ref _presses) > 1) return; // let the runtime end the process
        e.Cancel = true;
        _requested.TrySetResult();
        _cancel.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _cancel.Dispose();
    }
}
