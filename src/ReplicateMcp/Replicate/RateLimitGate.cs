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
/// The account's real limit can be lower (Replicate cuts it to a few a minute on low credit), so the window's
/// allowance adapts: a refused create halves it (once per window, however many refusals that wave brought),
/// and each run of accepted creates as long as the allowance raises it by one, back up to the configured rate.
/// </remarks>
internal sealed class RateLimitGate
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly int _maxAllowance;
    private readonly TimeSpan _window;
    private readonly List<DateTimeOffset> _recentSlots = [];
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private int _allowance;
    private int _acceptedInARow;
    private DateTimeOffset _lastCut = DateTimeOffset.MinValue;

    public RateLimitGate(TimeProvider time, IOptions<ReplicateOptions> options)
    {
        _time = time;
        var perMinute = options.Value.CreatesPerMinute;
        _maxAllowance = _allowance = Math.Max(1, perMinute / 60);
        _window = TimeSpan.FromMinutes(1) * _maxAllowance / perMinute;
    }

    public DateTimeOffset BlockedUntil { get { lock (_lock) return _blockedUntil; } }

    /// <summary>Creates currently allowed per window.</summary>
    public int CreateAllowance { get { lock (_lock) return _allowance; } }

    public async Task WaitAsync(bool isCreate, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Loop: another request may extend the block while we wait.
            while (BlockedUntil - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                await Task.Delay(wait, _time, cancellationToken);
            if (!isCreate) return;

            var delay = TakeCreateSlot() - _time.GetUtcNow();
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken);
            // A refusal while this create waited for its slot: it queues again behind the block rather than
            // going out with everything else the moment the block ends.
            if (BlockedUntil <= _time.GetUtcNow()) return;
        }
    }

    private DateTimeOffset TakeCreateSlot()
    {
        lock (_lock)
        {
            // The new slot is at least one window after the allowance-th most recent one.
            var slot = _time.GetUtcNow();
            if (_recentSlots.Count >= _allowance && _recentSlots[^_allowance] + _window is var free && free > slot) slot = free;
            _recentSlots.Add(slot);
            if (_recentSlots.Count > _maxAllowance) _recentSlots.RemoveAt(0);
            return slot;
        }
    }

    public void BackOff(TimeSpan delay)
    {
        lock (_lock)
        {
            var until = _time.GetUtcNow() + delay;
            if (until > _blockedUntil) _blockedUntil = until;
        }
    }

    /// <summary>Replicate refused a create with 429: fewer creates per window from now on.</summary>
    public void CreateRefused()
    {
        lock (_lock)
        {
            _acceptedInARow = 0;
            var now = _time.GetUtcNow();
            if (now - _lastCut < _window) return; // the same wave: one cut is enough
            _allowance = Math.Max(1, _allowance / 2);
            _lastCut = now;
        }
    }

    /// <summary>Replicate accepted a create: after a run as long as the allowance, allow one more.</summary>
    public void CreateAccepted()
    {
        lock (_lock)
        {
            if (_allowance >= _maxAllowance || ++_acceptedInARow < _allowance) return;
            _allowance++;
            _acceptedInARow = 0;
        }
    }
}
