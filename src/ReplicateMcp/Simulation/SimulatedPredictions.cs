using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ReplicateMcp.Simulation;

/// <summary>
/// The predictions a simulator has made. A <c>--simulate</c> server may run for days, so a prediction is forgotten
/// once it has been over for <see cref="SimulatorOptions.KeepFinishedFor"/> (Replicate deletes an API prediction's
/// output files after an hour too), and the oldest finished go early when more than
/// <see cref="SimulatorOptions.MaxKeptPredictions"/> are kept. One still running is never forgotten.
/// </summary>
internal sealed class SimulatedPredictions(SimulatorOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SimulatedPrediction> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SimulatedPrediction> _oldestFirst = new();
    private readonly Lock _forgetting = new();

    public int Count => _byId.Count;

    public ICollection<SimulatedPrediction> All => _byId.Values;

    public bool TryGet(string id, [MaybeNullWhen(false)] out SimulatedPrediction prediction) => _byId.TryGetValue(id, out prediction);

    public void Add(SimulatedPrediction prediction)
    {
        _byId[prediction.Id] = prediction;
        _oldestFirst.Enqueue(prediction);
        ForgetOld();
    }

    private void ForgetOld()
    {
        var now = time.GetUtcNow();
        lock (_forgetting)
        {
            // Every prediction of one simulator runs equally long, so the oldest ends first (a canceled one ends
            // earlier and simply waits its turn): looking at the head of the queue is enough.
            while (_oldestFirst.TryPeek(out var oldest) && oldest.TerminalAt <= now
                   && (now - oldest.TerminalAt >= options.KeepFinishedFor || _byId.Count > options.MaxKeptPredictions))
            {
                _oldestFirst.TryDequeue(out _);
                _byId.TryRemove(oldest.Id, out _);
            }
        }
    }
}
