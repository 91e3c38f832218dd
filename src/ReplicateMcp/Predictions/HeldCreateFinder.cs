using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// Finds the predictions of creates still held open by <c>Prefer: wait</c> (CONTRACT §5) in <c>GET /predictions</c>
/// pages that <see cref="PredictionTracker"/> reads for it on its ticks: from the earliest send on, page by page until
/// every create looked for is covered, matched by model, input and time. A create is looked for only once something
/// needs its id (a cancel: <see cref="SearchNow"/>) or it has been held <see cref="SearchAfter"/>: most creates are
/// answered sooner, and then cost no list at all. Keeps the ids no find may take.
/// </summary>
internal sealed class HeldCreateFinder(ReplicateClock clock, IFollowingObserver? observer = null)
{
    /// <summary>
    /// A known id is forgotten once it was created this long before now and before the send of every create still looked
    /// for: a find only takes predictions created at or after its send, so no find can take it any more. The slack covers
    /// a Replicate clock estimate that steps back when its samples are renewed.
    /// </summary>
    public static readonly TimeSpan KnownKeptFor = TimeSpan.FromMinutes(1);

    /// <summary>A create held this long is looked for even if nothing asked for its id yet, so its id is saved early.</summary>
    public static readonly TimeSpan SearchAfter = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly List<PendingFind> _finds = [];
    // Ids no find may take, with when each was created (in Replicate's clock; when not told, when it became known).
    private readonly Dictionary<string, DateTimeOffset> _known = new(StringComparer.Ordinal);
    private NextPage? _nextPage;

    /// <summary>Creates looked for right now.</summary>
    internal int Pending
    {
        get { lock (_lock) return _finds.Count; }
    }

    /// <summary>Ids no find may take, kept right now.</summary>
    internal int KnownCount
    {
        get { lock (_lock) return _known.Count; }
    }

    /// <summary>
    /// Completes with the listed prediction that <paramref name="sent"/> created, once the list shows it: a create still
    /// held open can be cancelled, and its id saved, long before its answer comes. Identical creates get distinct
    /// predictions (matched by count); the id is then known and never handed out again.
    /// </summary>
    public Task<Prediction> FindCreatedAsync(SentCreate sent, CancellationToken cancellationToken)
    {
        var find = new PendingFind(sent);
        lock (_lock) _finds.Add(find);
        observer?.WorkAdded();
        return TrackedTask.Await(find.Found.Task, () => { lock (_lock) _finds.Remove(find); }, cancellationToken);
    }

    /// <summary>Looks for the prediction of <paramref name="sent"/> from the next tick on: something needs its id now.</summary>
    public void SearchNow(SentCreate sent)
    {
        lock (_lock)
            foreach (var find in _finds)
                if (ReferenceEquals(find.Sent, sent)) find.Now = true;
    }

    /// <summary>Creates being looked for: asked for now, or held long enough.</summary>
    private List<PendingFind> DueLocked()
    {
        var now = clock.Now;
        return _finds.Where(f => !f.Found.Task.IsCompleted && (f.Now || now - f.Sent.SentAt >= SearchAfter)).ToList();
    }

    /// <summary>Marks an id as belonging to a create whose answer came (or to a followed prediction), so no find takes it.</summary>
    /// <param name="createdAt">When it was created, in Replicate's clock, when known.</param>
    public void MarkKnown(string predictionId, DateTimeOffset? createdAt = null)
    {
        lock (_lock) MarkKnownLocked(predictionId, createdAt);
    }

    private void MarkKnownLocked(string predictionId, DateTimeOffset? createdAt)
    {
        // Without its created_at, now stands in: it was created no later, so it is kept at least as long as it must be.
        var at = createdAt ?? clock.Now;
        if (!_known.TryGetValue(predictionId, out var known) || at < known) _known[predictionId] = at;
    }

    /// <summary>The list to read next for the creates looked for, or null when none is.</summary>
    internal ListRequest? NextList()
    {
        lock (_lock)
        {
            ForgetKnownNoFindCanTake();
            var due = DueLocked();
            if (due.Count == 0)
            {
                _nextPage = null;
                return null;
            }
            // Read on only while a create is still looked for beyond the pages read so far.
            if (_nextPage is { } next && due.Any(f => f.Sent.SentAt <= next.CoveredFrom))
                return new ListRequest(next.After, next.Cursor);
            _nextPage = null;
            return new ListRequest(due.Min(f => f.Sent.SentAt) - ReplicateClock.ListMargin, null);
        }
    }

    /// <summary>A list request failed: the next one starts from the first page.</summary>
    internal void ReadFailed()
    {
        lock (_lock) _nextPage = null;
    }

    /// <summary>Matches the creates looked for against <paramref name="page"/>, the answer to <paramref name="request"/>.</summary>
    internal void Read(ListRequest request, PredictionPage page)
    {
        // Without a next page the pages hold everything created since the bound; with one, only back to the oldest item.
        var coveredFrom = page.Next is null ? request.After
            : page.Results.Select(p => p.CreatedAt).Min() ?? DateTimeOffset.MaxValue;
        var found = new List<(PendingFind, Prediction)>();
        lock (_lock)
        {
            List<Prediction> pages = [.. request.Cursor is not null && _nextPage is { } earlier ? earlier.Earlier : [], .. page.Results];
            _nextPage = null;
            // A create is matched once every prediction it could have made has been read: those created at or after its
            // send. Matched earlier, it could take an identical prediction that a later send made.
            var open = DueLocked();
            var covered = open.Where(f => f.Sent.SentAt > coveredFrom).Select(f => f.Sent).ToList();
            // The known ids are copied only when a create is to be matched.
            IReadOnlyList<(SentCreate Sent, Prediction Prediction)> matches = covered.Count == 0 ? [] : SentCreateMatcher.Match(covered, pages, _known.Keys.ToHashSet(StringComparer.Ordinal));
            foreach (var (sent, prediction) in matches)
            {
                var find = open.First(f => ReferenceEquals(f.Sent, sent));
                MarkKnownLocked(prediction.Id, prediction.CreatedAt);
                _finds.Remove(find);
                found.Add((find, prediction));
            }
            if (page.Next is { } cursor && covered.Count < open.Count) _nextPage = new NextPage(request.After, cursor, coveredFrom, pages);
        }

        // Completed outside the lock: awaiting callers run on from here.
        foreach (var (find, prediction) in found) find.Found.TrySetResult(prediction);
    }

    private void ForgetKnownNoFindCanTake()
    {
        if (_known.Count == 0) return;
        var lowest = clock.Now;
        foreach (var find in _finds)
            if (find.Sent.SentAt < lowest) lowest = find.Sent.SentAt;
        var keepFrom = lowest - ReplicateClock.ListMargin - KnownKeptFor;
        foreach (var (id, created) in _known)
            if (created < keepFrom) _known.Remove(id);
    }

    /// <summary>Where the list reads on: the cursor, how far back the pages read so far reach, and what they held.</summary>
    private sealed record NextPage(DateTimeOffset After, string Cursor, DateTimeOffset CoveredFrom, IReadOnlyList<Prediction> Earlier);

    private sealed class PendingFind(SentCreate sent)
    {
        public SentCreate Sent { get; } = sent;

        /// <summary>Something needs the id: look for it without waiting for <see cref="SearchAfter"/>.</summary>
        public bool Now { get; set; }

        public TaskCompletionSource<Prediction> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One <c>GET /predictions</c>: from <see cref="After"/> on, the first page or the one <see cref="Cursor"/> names.</summary>
internal sealed record ListRequest(DateTimeOffset After, string? Cursor);
