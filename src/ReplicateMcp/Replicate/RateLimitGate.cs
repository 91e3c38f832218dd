using Microsoft.Extensions.Options;

namespace ReplicateMcp.Replicate;

/// <summary>
/// Process-wide throttle: paces creates to Replicate's per-minute limit, and when any request is
/// refused with 429 every request of the process waits, so one refusal never becomes a burst.
/// </summary>
internal sealed class RateLimitGate(TimeProvider time, IOptions<ReplicateOptions> options)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _nextCreateSlot = DateTimeOffset.MinValue;
    private readonly TimeSpan _createSpacing = TimeSpan.FromMinutes(1) / options.Value.CreatesPerMinute;

    public DateTimeOffset BlockedUntil { get { lock (_lock) return _blockedUntil; } }

    public async Task WaitAsync(bool isCreate, CancellationToken cancellationToken)
    {
        // Loop: another request may extend the block while we wait.
        while (true)
        {
            var wait = BlockedUntil - time.GetUtcNow();
            if (wait <= TimeSpan.Zero) break;
            await Task.Delay(wait, time, cancellationToken);
        }
        if (!isCreate) return;

        DateTimeOffset slot;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            slot = _nextCreateSlot > now ? _nextCreateSlot : now;
            _nextCreateSlot = slot + _createSpacing;
        }
        var delay = slot - time.GetUtcNow();
        if (delay > TimeSpan.Zero) await Task.Delay(delay, time, cancellationToken);
    }

    public void BackOff(TimeSpan delay)
    {
        lock (_lock)
        {
            var until = time.GetUtcNow() + delay;
            if (until > _blockedUntil) _blockedUntil = until;
        }
    }
}
