namespace ReplicateMcp.Pipelines;

/// <summary>Where a step stands when its run starts or resumes.</summary>
internal enum StepState
{
    Queued,
    Running,
    Succeeded,

    /// <summary>Ended without success (failed, timed out, canceled): its dependents are skipped.</summary>
    Unsucceeded,
    Skipped,
}

/// <summary>One node of the graph: <paramref name="EndedAs"/> is the status word a skip reason names.</summary>
internal sealed record GraphStep(string Key, string? StepId, IReadOnlyList<string> DependsOn, StepState State, string EndedAs);

/// <summary>
/// Dependency bookkeeping for one run: which steps are ready, which become ready when one finishes,
/// and which must be skipped when one does not succeed. A batch is a graph without edges. Thread-safe; no I/O.
/// </summary>
internal sealed class StepGraph
{
    private readonly Lock _lock = new();
    private readonly List<int>[] _dependents;
    private readonly int[] _waitingOn;
    private readonly bool[] _done;
    private readonly string[] _keys;
    private readonly StepState[] _initial;
    private int _open;

    public StepGraph(IReadOnlyList<GraphStep> steps)
    {
        var n = steps.Count;
        _dependents = [.. Enumerable.Range(0, n).Select(_ => new List<int>())];
        _waitingOn = new int[n];
        _done = new bool[n];
        _keys = [.. steps.Select(s => s.Key)];
        _initial = [.. steps.Select(s => s.State)];
        var byKey = Enumerable.Range(0, n).Where(i => steps[i].StepId is not null).ToDictionary(i => steps[i].StepId!, i => i, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            foreach (var dep in steps[i].DependsOn)
            {
                var d = byKey[dep];
                _dependents[d].Add(i);
                if (steps[d].State != StepState.Succeeded) _waitingOn[i]++;
            }
            _done[i] = steps[i].State is not (StepState.Queued or StepState.Running);
            if (!_done[i]) _open++;
        }
        // A process killed between saving a failed step and saving its skips leaves dependents queued that nothing
        // would ever release: skip them now, or the resumed job waits forever.
        var skipped = new List<(int, string)>();
        for (var i = 0; i < n; i++)
            if (steps[i].State == StepState.Unsucceeded)
                SkipDescendants(i, SkipReason(i, steps[i].EndedAs), skipped);
        InitiallySkipped = skipped;
    }

    /// <summary>Unfinished steps of a resumed run that depend on one that did not succeed; the caller records them skipped.</summary>
    public IReadOnlyList<(int Index, string Reason)> InitiallySkipped { get; }

    public bool AllDone { get { lock (_lock) return _open == 0; } }

    /// <summary>Resumed running steps first (they hold predictions already), then queued ones with nothing to wait for.</summary>
    public IEnumerable<int> InitiallyReady()
    {
        var running = Enumerable.Range(0, _initial.Length).Where(i => _initial[i] == StepState.Running);
        var queued = Enumerable.Range(0, _initial.Length).Where(i => _initial[i] == StepState.Queued && _waitingOn[i] == 0);
        return [.. running, .. queued];
    }

    /// <summary>Records a step's end; returns the steps it unblocks and the ones it dooms (with the reason).</summary>
    public (IReadOnlyList<int> Ready, IReadOnlyList<(int Index, string Reason)> Skipped) Finished(int index, bool succeeded, string endedAs)
    {
        lock (_lock)
        {
            if (_done[index]) return ([], []);
            _done[index] = true;
            _open--;
            var ready = new List<int>();
            var skipped = new List<(int, string)>();
            if (succeeded)
            {
                foreach (var d in _dependents[index])
                    if (--_waitingOn[d] == 0 && !_done[d]) ready.Add(d);
            }
            else
            {
                SkipDescendants(index, SkipReason(index, endedAs), skipped);
            }
            return (ready, skipped);
        }
    }

    private string SkipReason(int index, string endedAs) => $"depends on step '{_keys[index]}', which ended {endedAs}";

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
