using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports each timer it hands out, so a test advances time only once
/// the code under test is parked on its delay.
/// </summary>
internal sealed class SignalingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero))
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();
    private int _timerCount;

    /// <summary>Timers handed out so far.</summary>
    public int TimerCount => Volatile.Read(ref _timerCount);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timerCount);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until the next timer is created; returns its due time.</summary>
    public ValueTask<TimeSpan> NextTimerAsync(CancellationToken cancellationToken) => _timers.Reader.ReadAsync(cancellationToken);

    /// <summary>Waits for the next timer, then advances exactly to its due time.</summary>
    public async Task<TimeSpan> FireNextTimerAsync(CancellationToken cancellationToken)
    {
        var due = await NextTimerAsync(cancellationToken);
        Advance(due);
        return due;
    }
}
