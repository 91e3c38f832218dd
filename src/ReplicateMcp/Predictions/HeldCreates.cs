using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// The creates of the process whose answers have not come yet, and the ids recent answers gave: what tells whether a
/// prediction found by matching (CONTRACT §5) could be another job's, so that a cancel by its id never hits that job (§6).
/// </summary>
internal sealed class HeldCreates(IRecordedSentCreates? recorded = null)
{
    private readonly Lock _lock = new();
    private readonly List<Hold> _open = [];
    // Ids answers gave while a create was held, with the job whose create it was. Kept while a create that was held
    // before that answer is still held: only its find could have taken one of these ids.
    private readonly List<(string Id, string JobName, long Order)> _answered = [];
    private long _order;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change: a create answered or given up. Take it before checking, so no change is missed.</summary>
    public Task Changed
    {
        get { lock (_lock) return _changed.Task; }
    }

    /// <summary>Creates held right now (tests).</summary>
    internal int Count
    {
        get { lock (_lock) return _open.Count; }
    }

    /// <summary>Registers a create about to be sent; dispose the hold once its answer came or it was given up.</summary>
    public Hold Add(SentCreate sent)
    {
        var hold = new Hold(this, sent);
        lock (_lock)
        {
            hold.Order = ++_order;
            _open.Add(hold);
        }
        return hold;
    }

    /// <summary>
    /// Whether <paramref name="found"/>, matched to <paramref name="hold"/>, can only be that create's: no create of another
    /// job — held in this process, or recorded as sent and unanswered in the state folder — could have made it, and no
    /// other job's answer gave its id. Creates of the same job are cancelled together, so they do not count.
    /// </summary>
    public bool IsOnlyOwner(Hold hold, Prediction found)
    {
        var job = JobOf(hold.Sent);
        lock (_lock)
        {
            if (_answered.Any(a => a.Id == found.Id && a.JobName != job)) return false;
            if (_open.Any(other => !ReferenceEquals(other, hold) && CouldHaveMade(other.Sent, found, job))) return false;
        }
        return recorded is null || !recorded.Unanswered().Any(other => CouldHaveMade(other, found, job));
    }

    private static bool CouldHaveMade(SentCreate other, Prediction found, string job) =>
        JobOf(other) != job
        && SentCreate.KeyOf(found) is (string model, string digest) && other.Model == model && other.InputDigest == digest
        && (found.CreatedAt is not { } created || other.SentAt <= created);

    /// <summary>The job an item belongs to: <see cref="SentCreate.Item"/> is "job/item".</summary>
    private static string JobOf(SentCreate sent) => sent.Item.LastIndexOf('/') is var slash and > 0 ? sent.Item[..slash] : sent.Item;

    private void Close(Hold hold, string? answeredId)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (!_open.Remove(hold)) return;
            if (answeredId is not null) _answered.Add((answeredId, JobOf(hold.Sent), ++_order));
            var oldestOpen = _open.Count == 0 ? long.MaxValue : _open.Min(h => h.Order);
            _answered.RemoveAll(a => a.Order < oldestOpen);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>One create from its send to its answer.</summary>
    internal sealed class Hold(HeldCreates owner, SentCreate sent) : IDisposable
    {
        public SentCreate Sent { get; } = sent;

        internal long Order { get; set; }

        /// <summary>The create answered with <paramref name="predictionId"/>: that id is this create's, whoever found it.</summary>
        public void Answered(string predictionId) => owner.Close(this, predictionId);

        public void Dispose() => owner.Close(this, null);
    }
}

/// <summary>Creates recorded as sent whose answers were never recorded, in the jobs of the state folder (any process's).</summary>
internal interface IRecordedSentCreates
{
    IEnumerable<SentCreate> Unanswered();
}
