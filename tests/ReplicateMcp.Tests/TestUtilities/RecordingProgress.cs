using System.Collections.Concurrent;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>An <see cref="IPredictionProgress"/> that records the milestones it is told about.</summary>
internal sealed class RecordingProgress : IPredictionProgress
{
    private int _started;

    public int Started => Volatile.Read(ref _started);
    public ConcurrentQueue<string> Created { get; } = new();

    public Task StartedAsync()
    {
        Interlocked.Increment(ref _started);
        return Task.CompletedTask;
    }

    public ConcurrentQueue<SentCreate> Sent { get; } = new();

    public Task SentAsync(SentCreate sent)
    {
        Sent.Enqueue(sent);
        return Task.CompletedTask;
    }

    public Task CreatedAsync(string predictionId)
    {
        Created.Enqueue(predictionId);
        return Task.CompletedTask;
    }
}
