using System.Collections.Concurrent;
using System.Threading.Channels;
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

    private readonly Channel<string> _created = Channel.CreateUnbounded<string>();

    /// <summary>Waits for the next id reported created (in order, from the first).</summary>
    public ValueTask<string> NextCreatedAsync(CancellationToken cancellationToken) => _created.Reader.ReadAsync(cancellationToken);

    public Task CreatedAsync(string predictionId)
    {
        Created.Enqueue(predictionId);
        _created.Writer.TryWrite(predictionId);
        return Task.CompletedTask;
    }
}
