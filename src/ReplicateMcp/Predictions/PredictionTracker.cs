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
/// list may lack: its items can come without <c>logs</c>, which a failed item reports).
/// One request a tick at <see cref="Interval"/> keeps the process within 2 requests a second.
/// </summary>
internal sealed partial class PredictionTracker(IReplicateClient client, ReplicateClock clock, TimeProvider time, ILogger<PredictionTracker> logger)
    : BackgroundService
{
    /// <summary>Between requests: a prediction that finishes is seen about a quarter of a second later on average.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Taken off the list's lower bound: <c>created_at</c> is rounded to microseconds and samples of the clock lag.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    // Made with the tracker, so a tick that falls due before the loop first waits is kept, not lost.
    private readonly PeriodicTimer _timer = new(Interval, time);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private readonly List<PendingFind> _finds = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Queue<string> _byId = new();
    private bool _lastWasList;

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

    /// <summary>Test hook: called after every tick, with whether it sent a request.</summary>
    internal Action<bool>? TickCompleted { get; set; }

    /// <summary>Completes with the prediction once it is terminal.</summary>
    /// <param name="createdAt">Its <c>created_at</c>, when known (a create answer has it); else a first GET learns it.</param>
    /// <remarks>Completed by the tick that sees it terminal; with a token that cannot cancel, the task is done when the tick is.</remarks>
    public Task<Prediction> FollowAsync(string predictionId, DateTimeOffset? createdAt, CancellationToken cancellationToken)
    {
        Followed followed;
        lock (_lock)
        {
            _known.Add(predictionId);
            if (!_followed.TryGetValue(predictionId, out followed!))
            {
                _followed[predictionId] = followed = new Followed(predictionId, createdAt);
                if (createdAt is null) QueueById(predictionId);
            }
            followed.Followers++;
        }

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
        lock (_lock) _known.Add(predictionId);
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
            var (byId, listAfter) = NextRequest();
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
                    await ListAsync(after, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // A list that fails must not starve the predictions it covers: they are asked for by id in turn.
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

    private (string? ById, DateTimeOffset? ListAfter) NextRequest()
    {
        lock (_lock)
        {
            DateTimeOffset? oldest = null;
            foreach (var followed in _followed.Values)
                if (followed.CreatedAt is { } created && (oldest is null || created < oldest)) oldest = created;
            foreach (var find in _finds)
                if (oldest is null || find.Sent.SentAt < oldest) oldest = find.Sent.SentAt;

            // Skip ids no one follows any more.
            while (_byId.TryPeek(out var head) && !_followed.ContainsKey(head)) _byId.Dequeue();
            if (_byId.Count > 0 && (oldest is null || _lastWasList))
            {
                _lastWasList = false;
                return (_byId.Dequeue(), null);
            }

            _lastWasList = oldest is not null;
            return (null, oldest - Margin);
        }
    }

    private async Task ListAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        // Predictions created after this may be missing from the answer without being lost.
        var askedAt = clock.Now - Margin;
        var page = await client.ListPredictionsAsync(after, null, null, cancellationToken);
        foreach (var prediction in page.Results)
            if (prediction.CreatedAt is { } created) clock.Observe(created);

        // Without a next page the list holds everything created since the bound; with one, only back to its oldest item.
        var coveredFrom = page.Next is null ? after
            : page.Results.Select(p => p.CreatedAt).Min() ?? DateTimeOffset.MaxValue;
        var listed = page.Results.ToDictionary(p => p.Id, StringComparer.Ordinal);
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
                    else QueueById(id);
                }
                else if (created < coveredFrom || created < askedAt)
                {
                    // Older than the page, or missing where it should be: ask for it by id.
                    QueueById(id);
                }
            }

            var open = _finds.Where(f => !f.Found.Task.IsCompleted).ToList();
            foreach (var (sent, prediction) in SentCreateMatcher.Match(open.Select(f => f.Sent), page.Results, _known))
            {
                var find = open.First(f => ReferenceEquals(f.Sent, sent));
                _known.Add(prediction.Id);
                found.Add((find, prediction));
            }
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
            if (_followed.TryGetValue(id, out followed) && followed.CreatedAt is null)
                followed.CreatedAt = prediction.CreatedAt ?? clock.Now;
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
        public int Followers { get; set; }
        public TaskCompletionSource<Prediction> Terminal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PendingFind(SentCreate sent)
    {
        public SentCreate Sent { get; } = sent;
        public TaskCompletionSource<Prediction> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
