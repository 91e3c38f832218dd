using Microsoft.Extensions.Options;

namespace ReplicateMcp.Replicate;

/// <summary>
/// Process-wide throttle: paces creates to Replicate's per-minute limit, and when any request is
/// refused with 429 every request of the process waits, so one refusal never becomes a burst.
/// </summary>
/// <remarks>
/// Creates are limited with a sliding window: at most <c>CreatesPerMinute / 60</c> in any one second
/// (10 at the default 600), so no minute ever holds more than <c>CreatesPerMinute</c>, yet a batch's first
/// wave goes out at once instead of one create every 100 ms (Replicate allows short bursts).
/// </remarks>
internal sealed class RateLimitGate
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly int _burst;
    private readonly TimeSpan _window;
    private readonly Queue<DateTimeOffset> _recentCreates = new();
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

    public RateLimitGate(TimeProvider time, IOptions<ReplicateOptions> options)
    {
        _time = time;
        var perMinute = options.Value.CreatesPerMinute;
        _burst = Math.Max(1, perMinute / 60);
        _window = TimeSpan.FromMinutes(1) * _burst / perMinute;
    }

    public DateTimeOffset BlockedUntil { get { lock (_lock) return _blockedUntil; } }

    public async Task WaitAsync(bool isCreate, CancellationToken cancellationToken)
    {
        // Loop: another request may extend the block while we wait.
        while (true)
        {
            var wait = BlockedUntil - _time.GetUtcNow();
            if (wait <= TimeSpan.Zero) break;
            await Task.Delay(wait, _time, cancellationToken);
        }
        if (!isCreate) return;

        DateTimeOffset slot;
        lock (_lock)
        {
            // Slots never decrease, and each is at least one window after the one `_burst` places before it.
            slot = _time.GetUtcNow();
            if (_recentCreates.Count == _burst && _recentCreates.Dequeue() + _window is var free && free > slot) slot = free;
            _recentCreates.Enqueue(slot);
        }
        var delay = slot - _time.GetUtcNow();
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken);
    }

    public void BackOff(TimeSpan delay)
    {
        lock (_lock)
        {
            var until = _time.GetUtcNow() + delay;
            if (until > _blockedUntil) _blockedUntil = until;
        }
    }
}
