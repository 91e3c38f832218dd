using ReplicateMcp.Predictions;

namespace ReplicateMcp.Jobs;

/// <summary>
/// Dependency bookkeeping for one run: which items are ready, which become ready when one finishes,
/// and which must be skipped when one does not succeed. Thread-safe; no I/O.
/// </summary>
internal sealed class JobGraph
{
    private readonly Lock _lock = new();
    private readonly List<int>[] _dependents;
    private readonly int[] _waitingOn;
    private readonly bool[] _done;
    private readonly string[] _keys;
    private readonly ItemStatus[] _initial;
    private int _open;

    public JobGraph(Job job)
    {
        var n = job.Items.Length;
        _dependents = [.. Enumerable.Range(0, n).Select(_ => new List<int>())];
        _waitingOn = new int[n];
        _done = new bool[n];
        _keys = [.. job.Items.Select(i => i.Key)];
        _initial = [.. job.Items.Select(i => i.Status)];
        var byKey = job.Items.Where(i => i.StepId is not null).ToDictionary(i => i.StepId!, i => i.Index, StringComparer.Ordinal);
        foreach (var item in job.Items)
        {
            foreach (var dep in item.DependsOn)
            {
                var d = byKey[dep];
                _dependents[d].Add(item.Index);
                if (job.Items[d].Status != ItemStatus.Succeeded) _waitingOn[item.Index]++;
            }
            _done[item.Index] = item.Status.IsTerminal();
            if (!_done[item.Index]) _open++;
        }
        // A process killed between saving a failed step and saving its skips leaves dependents queued that nothing
        // would ever release: skip them now, or the resumed job waits forever.
        var skipped = new List<(int, string)>();
        foreach (var item in job.Items)
            if (item.Status is ItemStatus.Failed or ItemStatus.TimedOut or ItemStatus.Canceled)
                SkipDescendants(item.Index, SkipReason(item.Index, item.Status), skipped);
        InitiallySkipped = skipped;
    }

    /// <summary>Unfinished items of a resumed job that depend on one that did not succeed; the caller records them skipped.</summary>
    public IReadOnlyList<(int Index, string Reason)> InitiallySkipped { get; }

    public bool AllDone { get { lock (_lock) return _open == 0; } }

    /// <summary>Resumed running items first (they hold predictions already), then queued ones with nothing to wait for.</summary>
    public IEnumerable<int> InitiallyReady()
    {
        var running = Enumerable.Range(0, _initial.Length).Where(i => _initial[i] == ItemStatus.Running);
        var queued = Enumerable.Range(0, _initial.Length).Where(i => _initial[i] == ItemStatus.Queued && _waitingOn[i] == 0);
        return [.. running, .. queued];
    }

    /// <summary>Records an item's end; returns the items it unblocks and the ones it dooms (with the reason).</summary>
    public (IReadOnlyList<int> Ready, IReadOnlyList<(int Index, string Reason)> Skipped) Finished(int index, ItemStatus status)
    {
        lock (_lock)
        {
            if (_done[index]) return ([], []);
            _done[index] = true;
            _open--;
            var ready = new List<int>();
            var skipped = new List<(int, string)>();
            if (status == ItemStatus.Succeeded)
            {
                foreach (var d in _dependents[index])
                    if (--_waitingOn[d] == 0 && !_done[d]) ready.Add(d);
            }
            else
            {
                SkipDescendants(index, SkipReason(index, status), skipped);
            }
            return (ready, skipped);
        }
    }

    private string SkipReason(int index, ItemStatus status) => $"depends on step '{_keys[index]}', which ended {status.ToWire()}";

    private void SkipDescendants(int index, string reason, List<(int, string)> skipped)
    {
        foreach (var d in _dependents[index])
        {
            if (_done[d]) continue;
            _done[d] = true;
            _open--;
            skipped.Add((d, reason));
            SkipDescendants(d, reason, skipped);
        }
    }
}
