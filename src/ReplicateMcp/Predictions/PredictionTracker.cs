using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// Follows every in-flight prediction of the process and finds creates still held open by <c>Prefer: wait</c>
/// (CONTRACT §5), for about one request a tick whatever the number in flight: one <c>GET /predictions</c> covers every
/// prediction created after the oldest one followed, and a <c>GET /predictions/{id}</c> takes the tick's place, in
/// turn with the list, only where the list cannot answer (a prediction older than the page, or a terminal body the
/// list may lack: its items can come without <c>logs</c>, which a failed item reports). When a create is still looked
/// for beyond the list's first page (more than a page was created since it was sent), the next list turns read on,
/// page by page. One request a tick at <see cref="Interval"/> keeps the process within 2 requests a second.
/// </summary>
internal sealed partial class PredictionTracker(IReplicateClient client, ReplicateClock clock, TimeProvider time, ILogger<PredictionTracker> logger)
    : BackgroundService
{
    /// <summary>
    /// Between requests: a prediction that finishes is seen about a quarter of a second later on average. A little over
    /// half a second, because 2 requests a second is a ceiling, not the pace: at exactly 0.5 s, a tick delayed under
    /// load and its catch-up put a measured window above it (the benchmark saw 20 requests in less than 9.5 s).
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(520);

    /// <summary>Taken off the list's lower bound: <c>created_at</c> is rounded to microseconds and samples of the clock lag.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A known id is forgotten once it was created this long before now and before the send of every create still looked
    /// for: a find only takes predictions created at or after its send, so no find can take it any more. The slack covers
    /// a Replicate clock estimate that steps back when its samples are renewed.
    /// </summary>
    public static readonly TimeSpan KnownKeptFor = TimeSpan.FromMinutes(1);

    // Made with the tracker, so a tick that falls due before the loop first waits is kept, not lost.
    private readonly PeriodicTimer _timer = new(Interval, time);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private readonly List<PendingFind> _finds = [];
    // Ids no find may take, with when each was created (in Replicate's clock; when not told, when it became known).
    private readonly Dictionary<string, DateTimeOffset> _known = new(StringComparer.Ordinal);
    private readonly Queue<string> _byId = new();
    private bool _lastWasList;
    private NextPage? _nextPage;

    private DateTimeOffset? _failingSince;

    /// <summary>
    /// An unbroken run of failing requests is survived this long; then every followed prediction ends with
    /// <see cref="FollowLostException"/> (its item fails, naming the prediction) instead of waiting forever.
    /// </summary>
    public TimeSpan FailureBudget { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Predictions followed and creates looked for right now.</summary>
    internal int Pending
    {
        get { lock (_lock) return _followed.Count + _finds.Count; }
    }

    /// <summary>Ids no find may take, kept right now.</summary>
    internal int KnownCount
    {
        get { lock (_lock) return _known.Count; }
    }

    /// <summary>Test hook: called after every tick, with whether it sent a request.</summary>
    internal Action<bool>? TickCompleted { get; set; }

    /// <summary>Test hook: called after a prediction to follow or a create to find was added, so a test ticks after it.</summary>
    internal Action? WorkAdded { get; set; }

    /// <summary>Completes with the prediction once it is terminal.</summary>
    /// <param name="createdAt">Its <c>created_at</c>, when known (a create answer has it); else a first GET learns it.</param>
    /// <remarks>Completed by the tick that sees it terminal; with a token that cannot cancel, the task is done when the tick is.</remarks>
    public Task<Prediction> FollowAsync(string predictionId, DateTimeOffset? createdAt, CancellationToken cancellationToken)
    {
        Followed followed;
        lock (_lock)
        {
            MarkKnownLocked(predictionId, createdAt);
            if (!_followed.TryGetValue(predictionId, out followed!))
            {
                _followed[predictionId] = followed = new Followed(predictionId, createdAt);
                if (createdAt is null) QueueById(predictionId);
            }
            followed.Followers++;
        }
        WorkAdded?.Invoke();

        return Await(followed.Terminal.Task, () => Unfollow(followed), cancellationToken);
    }

    /// <summary>
    /// Completes with the listed prediction that <paramref name="sent"/> created, once the list shows it: a create still
    /// held open can be cancelled, and its id saved, long before its answer comes. Identical creates get distinct
    /// predictions (matched by count); the id is then known to the tracker and never handed out again.
    /// </summary>
    public Task<Prediction> FindCreatedAsync(SentCreate sent, CancellationToken cancellationToken)
    {
        var find = new PendingFind(sent);
        lock (_lock) _finds.Add(find);
        WorkAdded?.Invoke();
        return Await(find.Found.Task, () => { lock (_lock) _finds.Remove(find); }, cancellationToken);
    }

    /// <summary>The tracker's own task when nothing can cancel the wait; else one that also ends (and cleans up) on cancel.</summary>
    private static Task<Prediction> Await(Task<Prediction> task, Action onCancel, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled) return task;
        var registration = cancellationToken.Register(onCancel);
        // Observes the fault too: a caller that cancelled never reads it.
        _ = task.ContinueWith(t => { registration.Dispose(); _ = t.Exception; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task.WaitAsync(cancellationToken);
    }

    private void Unfollow(Followed followed)
    {
        lock (_lock)
        {
            if (--followed.Followers == 0 && _followed.TryGetValue(followed.Id, out var current) && ReferenceEquals(current, followed))
                _followed.Remove(followed.Id);
        }
    }

    /// <summary>Marks an id as belonging to a create whose answer came, so no find takes it.</summary>
    public void MarkKnown(string predictionId)
    {
        lock (_lock) MarkKnownLocked(predictionId, null);
    }

    private void MarkKnownLocked(string predictionId, DateTimeOffset? createdAt)
    {
        // Without its created_at, now stands in: it was created no later, so it is kept at least as long as it must be.
        var at = createdAt ?? clock.Now;
        if (!_known.TryGetValue(predictionId, out var known) || at < known) _known[predictionId] = at;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
                await TickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One tick: at most one request, the list or (in turn with it) a GET by id.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var sent = false;
        try
        {
            var (byId, listAfter, nextPage) = NextRequest();
            if (byId is not null)
            {
                sent = true;
                await GetByIdAsync(byId, cancellationToken);
            }
            else if (listAfter is { } after)
            {
                sent = true;
                try
                {
                    await ListAsync(after, nextPage, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // A list that fails must not starve the predictions it covers: they are asked for by id in turn.
                    // A page that fails is not asked for again: the next list starts from the first page.
                    lock (_lock)
                        foreach (var id in _followed.Keys) QueueById(id);
                    throw;
                }
            }
            _failingSince = null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The next tick tries again; the pipeline has already retried transient faults.
            LogTickFailed(ex);
            _failingSince ??= time.GetUtcNow();
            if (time.GetUtcNow() - _failingSince >= FailureBudget) FailAll(new FollowLostException(FailureBudget, ex.Message));
        }
        finally
        {
            TickCompleted?.Invoke(sent);
        }
    }

    private (string? ById, DateTimeOffset? ListAfter, NextPage? Page) NextRequest()
    {
        lock (_lock)
        {
            // A prediction the list showed terminal waits only for its GET: it needs no list any more, so predictions that
            // end together take consecutive ticks when nothing else is followed, not every other one.
            DateTimeOffset? oldest = null;
            foreach (var followed in _followed.Values)
                if (!followed.SeenTerminal && followed.CreatedAt is { } created && (oldest is null || created < oldest)) oldest = created;
            foreach (var find in _finds)
                if (oldest is null || find.Sent.SentAt < oldest) oldest = find.Sent.SentAt;
            ForgetKnownNoFindCanTake();

            // Skip ids no one follows any more.
            while (_byId.TryPeek(out var head) && !_followed.ContainsKey(head)) _byId.Dequeue();
            if (_byId.Count > 0 && (oldest is null || _lastWasList))
            {
                _lastWasList = false;
                return (_byId.Dequeue(), null, null);
            }

            _lastWasList = oldest is not null;
            // Read on only while a create is still looked for beyond the pages read so far.
            var page = _nextPage is { } next && _finds.Any(f => f.Sent.SentAt <= next.CoveredFrom) ? next : null;
            _nextPage = null;
            return page is not null ? (null, page.After, page) : (null, oldest - Margin, null);
        }
    }

    private void ForgetKnownNoFindCanTake()
    {
        if (_known.Count == 0) return;
        var lowest = clock.Now;
        foreach (var find in _finds)
            if (find.Sent.SentAt < lowest) lowest = find.Sent.SentAt;
        var keepFrom = lowest - Margin - KnownKeptFor;
        foreach (var (id, created) in _known)
            if (created < keepFrom) _known.Remove(id);
    }

    /// <param name="after">The list's lower bound.</param>
    /// <param name="nextPage">Reads on from the pages of an earlier tick, instead of the first page.</param>
    private async Task ListAsync(DateTimeOffset after, NextPage? nextPage, CancellationToken cancellationToken)
    {
        // Predictions created after this may be missing from the answer without being lost.
        var askedAt = clock.Now - Margin;
        var page = await client.ListPredictionsAsync(after, null, nextPage?.Cursor, cancellationToken);
        foreach (var prediction in page.Results)
            if (prediction.CreatedAt is { } created) clock.Observe(created);

        // Without a next page the pages hold everything created since the bound; with one, only back to the oldest item.
        var coveredFrom = page.Next is null ? after
            : page.Results.Select(p => p.CreatedAt).Min() ?? DateTimeOffset.MaxValue;
        var listed = page.Results.ToDictionary(p => p.Id, StringComparer.Ordinal);
        List<Prediction> pages = [.. nextPage?.Earlier ?? [], .. page.Results];
        var finished = new List<(Followed, Prediction)>();
        var found = new List<(PendingFind, Prediction)>();
        lock (_lock)
        {
            foreach (var (id, followed) in _followed)
            {
                if (followed.CreatedAt is not { } created) continue;
                if (listed.TryGetValue(id, out var prediction))
                {
                    if (!prediction.IsTerminal) continue;
                    if (IsWholeTerminalBody(prediction)) finished.Add((followed, prediction));
                    else
                    {
                        followed.SeenTerminal = true;
                        QueueById(id);
                    }
                }
                else if (nextPage is null && (created < coveredFrom || created < askedAt))
                {
                    // Older than the first page, or missing where it should be: ask for it by id.
                    QueueById(id);
                }
            }

            // A create is matched once every prediction it could have made has been read: those created at or after its
            // send. Matched earlier, it could take an identical prediction that a later send made.
            var open = _finds.Where(f => !f.Found.Task.IsCompleted).ToList();
            var covered = open.Where(f => f.Sent.SentAt > coveredFrom).Select(f => f.Sent).ToList();
            // The known ids are copied only when a create is to be matched: most ticks only follow.
            IReadOnlyList<(SentCreate Sent, Prediction Prediction)> matches = covered.Count == 0 ? [] : SentCreateMatcher.Match(covered, pages, _known.Keys.ToHashSet(StringComparer.Ordinal));
            foreach (var (sent, prediction) in matches)
            {
                var find = open.First(f => ReferenceEquals(f.Sent, sent));
                MarkKnownLocked(prediction.Id, prediction.CreatedAt);
                found.Add((find, prediction));
            }
            if (page.Next is { } cursor && covered.Count < open.Count) _nextPage = new NextPage(after, cursor, coveredFrom, pages);
        }

        // Completed outside the lock: awaiting callers run on from here.
        foreach (var (followed, prediction) in finished) Complete(followed, prediction);
        foreach (var (find, prediction) in found)
        {
            lock (_lock) _finds.Remove(find);
            find.Found.TrySetResult(prediction);
        }
    }

    private async Task GetByIdAsync(string id, CancellationToken cancellationToken)
    {
        Prediction prediction;
        try
        {
            prediction = await client.GetPredictionAsync(id, cancellationToken);
        }
        catch (ReplicateApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            Followed? gone;
            lock (_lock)
            {
                if (_followed.Remove(id, out gone)) gone.Terminal.TrySetException(ex);
            }
            return;
        }
        catch
        {
            lock (_lock) QueueById(id);
            throw;
        }

        Followed? followed;
        lock (_lock)
        {
            if (_followed.TryGetValue(id, out followed))
            {
                if (followed.CreatedAt is null) followed.CreatedAt = prediction.CreatedAt ?? clock.Now;
                // Never expected; but a prediction that is not terminal after all must be listed for again.
                if (!prediction.IsTerminal) followed.SeenTerminal = false;
            }
        }
        if (prediction.IsTerminal && followed is not null) Complete(followed, prediction);
    }

    private void Complete(Followed followed, Prediction prediction)
    {
        lock (_lock)
        {
            if (_followed.TryGetValue(followed.Id, out var current) && ReferenceEquals(current, followed))
                _followed.Remove(followed.Id);
        }
        followed.Terminal.TrySetResult(prediction);
    }

    private void FailAll(Exception reason)
    {
        List<Followed> all;
        lock (_lock)
        {
            all = [.. _followed.Values];
            _followed.Clear();
            _byId.Clear();
        }
        foreach (var followed in all) followed.Terminal.TrySetException(reason);
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    /// <summary>A terminal list item is the whole answer when nothing a status shows is missing from it.</summary>
    private static bool IsWholeTerminalBody(Prediction prediction) =>
        prediction.Status == PredictionStatuses.Succeeded ? prediction.Output is not null : prediction.Logs is not null;

    private void QueueById(string id)
    {
        if (!_byId.Contains(id)) _byId.Enqueue(id);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Following predictions: a request failed; the next tick tries again.")]
    private partial void LogTickFailed(Exception exception);

    private sealed class Followed(string id, DateTimeOffset? createdAt)
    {
        public string Id { get; } = id;
        public DateTimeOffset? CreatedAt { get; set; } = createdAt;

        /// <summary>The list showed it terminal without its whole body: only a GET by id is left to do.</summary>
        public bool SeenTerminal { get; set; }

        public int Followers { get; set; }
        public TaskCompletionSource<Prediction> Terminal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Where the list reads on: the cursor, how far back the pages read so far reach, and what they held.</summary>
    private sealed record NextPage(DateTimeOffset After, string Cursor, DateTimeOffset CoveredFrom, IReadOnlyList<Prediction> Earlier);

    private sealed class PendingFind(SentCreate sent)
    {
        public SentCreate Sent { get; } = sent;
        public TaskCompletionSource<Prediction> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
