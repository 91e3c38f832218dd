using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// Follows every in-flight prediction of the process to its end (CONTRACT §5) for one request a tick: sweeps of
/// <c>GET /predictions</c> from the oldest one followed, one page a tick, read on while the pages are full of followed
/// predictions (more than 100 in flight), and a <c>GET /predictions/{id}</c>, in turn with the list, only where the list
/// cannot answer (a prediction the sweep did not reach, or a terminal body the list may lack: its items can come without
/// <c>logs</c>, which a failed item reports). Ticks come every <see cref="Interval"/> while one page holds them all, every
/// <see cref="FastInterval"/> while a sweep takes more. They also read the pages <see cref="HeldCreateFinder"/> asks for.
/// </summary>
internal sealed partial class PredictionTracker(
    IReplicateClient client, ReplicateClock clock, HeldCreateFinder finder, TimeProvider time, ILogger<PredictionTracker> logger, IFollowingObserver? observer = null)
    : BackgroundService
{
    /// <summary>
    /// Between requests: a prediction that finishes is seen about a quarter of a second later on average. A little over
    /// half a second, because 2 requests a second is a ceiling, not the pace: at exactly 0.5 s, a tick delayed under
    /// load and its catch-up put a measured window above it (the benchmark saw 20 requests in less than 9.5 s).
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(520);

    /// <summary>
    /// Between requests while a sweep takes more than one page: under 5 a second (CONTRACT §5), evenly spaced, so a
    /// sweep of 500 in flight (6 pages) comes round in about 1.3 s.
    /// </summary>
    public static readonly TimeSpan FastInterval = TimeSpan.FromMilliseconds(220);

    /// <summary>A sweep reads on past a page only while the page held this many followed predictions; sparser, the rest are asked for by id.</summary>
    public const int DensePage = 20;

    // Made with the tracker, so a tick that falls due before the loop first waits is kept, not lost.
    private readonly PeriodicTimer _timer = new(Interval, time);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private readonly Queue<string> _byId = new();
    private bool _lastWasList;
    private bool _lastWasFind;
    private Sweep? _sweep;
    private bool _sweepsTakeManyPages;

    private DateTimeOffset? _failingSince;

    /// <summary>
    /// An unbroken run of failing requests is survived this long; then every followed prediction ends with
    /// <see cref="FollowLostException"/> (its item fails, naming the prediction) instead of waiting forever.
    /// </summary>
    public TimeSpan FailureBudget { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The time between ticks right now: <see cref="Interval"/> or <see cref="FastInterval"/>.</summary>
    internal TimeSpan CurrentInterval => _timer.Period;

    /// <summary>Predictions followed and creates looked for right now.</summary>
    internal int Pending
    {
        get { lock (_lock) return _followed.Count + finder.Pending; }
    }

    /// <summary>Completes with the prediction once it is terminal.</summary>
    /// <param name="createdAt">Its <c>created_at</c>, when known (a create answer has it); else a first GET learns it.</param>
    /// <remarks>Completed by the tick that sees it terminal; with a token that cannot cancel, the task is done when the tick is.</remarks>
    public Task<Prediction> FollowAsync(string predictionId, DateTimeOffset? createdAt, CancellationToken cancellationToken)
    {
        Followed followed;
        finder.MarkKnown(predictionId, createdAt);
        lock (_lock)
        {
            if (!_followed.TryGetValue(predictionId, out followed!))
            {
                _followed[predictionId] = followed = new Followed(predictionId, createdAt);
                if (createdAt is null) QueueById(predictionId);
            }
            followed.Followers++;
        }
        observer?.WorkAdded();

        return TrackedTask.Await(followed.Terminal.Task, () => Unfollow(followed), cancellationToken);
    }

    private void Unfollow(Followed followed)
    {
        lock (_lock)
        {
            if (--followed.Followers == 0 && _followed.TryGetValue(followed.Id, out var current) && ReferenceEquals(current, followed))
                _followed.Remove(followed.Id);
        }
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

    /// <summary>One tick: at most one request, a page the finder asks for, the list, or (in turn with it) a GET by id.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var sent = false;
        try
        {
            // While both have work, the finder's pages and following take turns: following never stops for a create that
            // is slow to show, and a find is never kept waiting by a tick that had nothing else to do.
            ListRequest? findPage = null;
            (string? ById, ListRequest? List) follow = (null, null);
            if (_lastWasFind)
            {
                follow = NextFollowRequest();
                if (follow is (null, null)) findPage = finder.NextList();
            }
            else
            {
                findPage = finder.NextList();
                if (findPage is null) follow = NextFollowRequest();
            }
            _lastWasFind = findPage is not null;

            if (findPage is not null)
            {
                sent = true;
                await FindListAsync(findPage, cancellationToken);
            }
            else if (follow.ById is { } byId)
            {
                sent = true;
                await GetByIdAsync(byId, cancellationToken);
            }
            else if (follow.List is { } list)
            {
                sent = true;
                await ListAsync(list, cancellationToken);
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
            var pace = Volatile.Read(ref _sweepsTakeManyPages) ? FastInterval : Interval;
            if (_timer.Period != pace) _timer.Period = pace;
            observer?.TickCompleted(sent);
        }
    }

    private async Task FindListAsync(ListRequest request, CancellationToken cancellationToken)
    {
        PredictionPage page;
        try
        {
            page = await client.ListPredictionsAsync(request.After, null, request.Cursor, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A page that fails is not asked for again: the next list starts from the first page.
            finder.ReadFailed();
            throw;
        }
        Observe(page);
        finder.Read(request, page);
    }

    private void Observe(PredictionPage page)
    {
        foreach (var prediction in page.Results)
            if (prediction.CreatedAt is { } created) clock.Observe(created);
    }

    private (string? ById, ListRequest? List) NextFollowRequest()
    {
        lock (_lock)
        {
            // A prediction the list showed terminal waits only for its GET: it needs no list any more, so predictions that
            // end together take consecutive ticks when nothing else is followed, not every other one.
            DateTimeOffset? oldest = null;
            foreach (var followed in _followed.Values)
                if (!followed.SeenTerminal && followed.CreatedAt is { } created && (oldest is null || created < oldest)) oldest = created;
            if (oldest is null)
            {
                _sweep = null;
                Volatile.Write(ref _sweepsTakeManyPages, false);
            }

            // Skip ids no one follows any more.
            while (_byId.TryPeek(out var head) && !_followed.ContainsKey(head)) _byId.Dequeue();
            if (_byId.Count > 0 && (oldest is null || _lastWasList))
            {
                _lastWasList = false;
                return (_byId.Dequeue(), null);
            }
            if (oldest is null) return (null, null);

            _lastWasList = true;
            // Predictions created after askedAt may be missing from this sweep without being lost: the next one has them.
            _sweep ??= new Sweep(new ListRequest(oldest.Value - ReplicateClock.ListMargin, null), clock.Now - ReplicateClock.ListMargin);
            return (null, _sweep.Next);
        }
    }

    private async Task ListAsync(ListRequest request, CancellationToken cancellationToken)
    {
        PredictionPage page;
        try
        {
            page = await client.ListPredictionsAsync(request.After, null, request.Cursor, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A page that fails is not asked for again: the next sweep starts from the first page. Meanwhile the
            // predictions it covers are asked for by id in turn, so a list that keeps failing starves none of them.
            lock (_lock)
            {
                _sweep = null;
                foreach (var id in _followed.Keys) QueueById(id);
            }
            throw;
        }
        Observe(page);

        // Without a next page the sweep holds everything created since its bound; with one, only back to the oldest item.
        var coveredFrom = page.Next is null ? request.After
            : page.Results.Select(p => p.CreatedAt).Min() ?? DateTimeOffset.MaxValue;
        var listed = page.Results.DistinctBy(p => p.Id).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var finished = new List<(Followed, Prediction)>();
        lock (_lock)
        {
            var sweep = _sweep is { } current && current.Next == request ? current : null;
            var ours = 0;
            foreach (var (id, followed) in _followed)
            {
                if (followed.CreatedAt is null || !listed.TryGetValue(id, out var prediction)) continue;
                ours++;
                sweep?.Seen.Add(id);
                if (!prediction.IsTerminal) continue;
                if (IsWholeTerminalBody(prediction)) finished.Add((followed, prediction));
                else
                {
                    followed.SeenTerminal = true;
                    QueueById(id);
                }
            }
            if (sweep is not null)
            {
                sweep.Pages++;
                if (page.Next is { } cursor && ours >= DensePage)
                {
                    sweep.Next = request with { Cursor = cursor };
                    Volatile.Write(ref _sweepsTakeManyPages, true);
                }
                else
                {
                    // The sweep ends: whatever it should have shown and did not (older than its last page, or missing
                    // where it should be) is asked for by id.
                    foreach (var (id, followed) in _followed)
                        if (followed is { CreatedAt: { } created, SeenTerminal: false } && !sweep.Seen.Contains(id) && (created < coveredFrom || created < sweep.AskedAt))
                            QueueById(id);
                    Volatile.Write(ref _sweepsTakeManyPages, sweep.Pages > 1);
                    _sweep = null;
                }
            }
        }

        // Completed outside the lock: awaiting callers run on from here.
        foreach (var (followed, prediction) in finished) Complete(followed, prediction);
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

    /// <summary>One pass over the list, page by page: the page to read next, and the followed ids its pages showed.</summary>
    private sealed class Sweep(ListRequest first, DateTimeOffset askedAt)
    {
        public ListRequest Next { get; set; } = first;
        public DateTimeOffset AskedAt { get; } = askedAt;
        public int Pages { get; set; }
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Followed(string id, DateTimeOffset? createdAt)
    {
        public string Id { get; } = id;
        public DateTimeOffset? CreatedAt { get; set; } = createdAt;

        /// <summary>The list showed it terminal without its whole body: only a GET by id is left to do.</summary>
        public bool SeenTerminal { get; set; }

        public int Followers { get; set; }
        public TaskCompletionSource<Prediction> Terminal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
