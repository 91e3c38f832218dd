using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>Callbacks through which a running prediction reports its milestones to its job.</summary>
internal interface IPredictionProgress
{
    /// <summary>A process-wide slot was granted: the prediction is about to be created.</summary>
    Task StartedAsync();

    /// <summary>
    /// The create is about to be sent (CONTRACT §6): <paramref name="sent"/> must be durable before this returns, so
    /// that whatever stops the process next, recovery finds the prediction on Replicate instead of paying for another.
    /// </summary>
    Task SentAsync(SentCreate sent);

    /// <summary>Replicate's id is known (from the create answer, or found in the list first); it must be durable.</summary>
    Task CreatedAsync(string predictionId);
}

/// <summary>
/// Runs one prediction to its end: create with <c>Prefer: wait</c> (recorded as sent before it is sent, found in the
/// list while the create is held), follow it through the process-wide <see cref="PredictionTracker"/>, cancel, time
/// out, build the result. The only place that bounds concurrency across the process.
/// </summary>
internal sealed partial class PredictionRunner(
    IReplicateClient client,
    ModelCatalog catalog,
    PredictionResultBuilder results,
    PredictionTracker tracker,
    HeldCreateFinder finder,
    HeldCreates heldCreates,
    ReplicateClock clock,
    TimeProvider time,
    IOptions<PredictionRunnerOptions> options,
    IOptions<ReplicateOptions> replicateOptions,
    ILogger<PredictionRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);

    public void Dispose() => _slots.Dispose();

    private int _inFlight;

    /// <summary>Predictions holding a process-wide slot right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Runs a new prediction. <paramref name="canceled"/> is the user's cancel: queued work never starts,
    /// created predictions are cancelled on Replicate. <paramref name="stopping"/> is process shutdown:
    /// the prediction is left running so the next process can re-attach to it.
    /// </summary>
    public async Task<PredictionOutcome> RunAsync(PredictionRequest request, IPredictionProgress progress, CancellationToken canceled, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(canceled, stopping);
        await _slots.WaitAsync(linked.Token);
        Interlocked.Increment(ref _inFlight);
        try
        {
            await progress.StartedAsync();
            var deadline = time.GetUtcNow() + request.Timeout;
            ModelRef target;
            try
            {
                target = await catalog.ResolveForCreateAsync(request.Model, linked.Token);
                await LearnReplicateTimeAsync(linked.Token);
            }
            catch (OperationCanceledException) when (canceled.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                return new PredictionOutcome(OutcomeStatus.Canceled, null, "Canceled before the prediction was created.");
            }
            catch (Exception ex) when (ReplicateFaults.IsAny(ex))
            {
                LogFailed(ex, request.Model.ToString());
                return PredictionOutcome.Failed($"Looking up model {request.Model} failed, so no prediction was created: {ex.Message}");
            }
            // Last moment a cancel can stop this item for free: after this line the create is on the wire.
            if (canceled.IsCancellationRequested)
                return new PredictionOutcome(OutcomeStatus.Canceled, null, "Canceled before the prediction was created.");

            var sent = SentCreate.For(target, request.Input, clock.Now, request.DownloadFolder);
            await progress.SentAsync(sent);
            var wait = (int)Math.Clamp(Math.Floor((deadline - time.GetUtcNow()).TotalSeconds), 1, replicateOptions.Value.MaxPreferWaitSeconds);
            var (created, failure) = await CreateAsync(target, request, sent, wait, progress, canceled, stopping);
            if (failure is not null) return failure;
            LogCreated(created!.Id, request.Model.ToString());
            return await FollowCoreAsync(created, request, deadline, canceled, stopping);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    /// <summary>
    /// A <c>created_after</c> bound must be in Replicate's time (CONTRACT §5): until its clock has been seen, one read
    /// (a list that is cheap and harmless) learns it from the <c>Date</c> header. If it cannot be learnt, the local
    /// clock serves, less a wide margin.
    /// </summary>
    /// <remarks>One read at a time: the creates that start together before it answers wait for it instead of each listing.</remarks>
    private Task LearnReplicateTimeAsync(CancellationToken cancellationToken)
    {
        if (clock.IsKnown) return Task.CompletedTask;
        lock (_learning)
        {
            if (_learningRead is not { IsCompleted: false }) _learningRead = ReadReplicateTimeAsync();
            return _learningRead.WaitAsync(cancellationToken);
        }
    }

    private readonly Lock _learning = new();
    private Task? _learningRead;

    private async Task ReadReplicateTimeAsync()
    {
        try
        {
            // Not the caller's token: others may be waiting on this read.
            await client.ListPredictionsAsync(time.GetUtcNow(), null, null, CancellationToken.None);
        }
        catch (Exception ex) when (ReplicateFaults.IsAny(ex))
        {
            clock.Observe(time.GetUtcNow() - UnknownClockMargin);
        }
    }

    /// <summary>How far Replicate's clock may be behind ours when it could not be read.</summary>
    private static readonly TimeSpan UnknownClockMargin = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Sends the create and, while Replicate holds it open for long or the user cancels, finds its prediction in the
    /// list: the id is saved before the answer comes, and a user's cancel goes out at once. The create itself is never abandoned on the
    /// user's cancel (only on shutdown, when the saved <paramref name="sent"/> lets the next process find it).
    /// </summary>
    private async Task<(Prediction? Created, PredictionOutcome? Failure)> CreateAsync(
        ModelRef target, PredictionRequest request, SentCreate sent, int wait, IPredictionProgress progress, CancellationToken canceled, CancellationToken stopping)
    {
        using var stopFinding = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var hold = heldCreates.Add(sent);
        var find = finder.FindCreatedAsync(sent, stopFinding.Token);
        var create = client.CreatePredictionAsync(target, request.Input, wait, stopping);
        var cancelRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onCancel = canceled.Register(() => cancelRequested.TrySetResult());
        Prediction? found = null;
        var cancelSent = false;
        try
        {
            while (!create.IsCompleted)
            {
                // Taken before the check: a create of another job that answers after it wakes the wait below.
                var settled = heldCreates.Changed;
                if (found is null && canceled.IsCancellationRequested) finder.SearchNow(sent);
                // A found prediction another job's identical create could have made is not cancelled by that id (CONTRACT
                // §6): this create's own answer names it, and the cancel follows it then.
                if (found is not null && canceled.IsCancellationRequested && !cancelSent && heldCreates.IsOnlyOwner(hold, found))
                {
                    cancelSent = true;
                    await TryCancelAsync(found.Id, stopping);
                    continue;
                }

                List<Task> next = [create];
                if (found is null && !find.IsCompleted) next.Add(find);
                if (!cancelRequested.Task.IsCompleted) next.Add(cancelRequested.Task);
                else if (found is not null && !cancelSent) next.Add(settled);
                await Task.WhenAny(next);

                if (found is null && find.IsCompletedSuccessfully)
                {
                    // Provisional: the create's answer, when it comes, wins.
                    found = find.Result;
                    await progress.CreatedAsync(found.Id);
                    LogFound(found.Id, request.Model.ToString());
                }
            }

            Prediction created;
            try
            {
                created = await create;
            }
            catch (ReplicateApiException ex)
            {
                LogFailed(ex, request.Model.ToString());
                return (null, PredictionOutcome.Failed(ex.Message));
            }
            catch (Exception ex) when (ReplicateFaults.IsNetwork(ex))
            {
                LogFailed(ex, request.Model.ToString());
                // The list already showed what the create made: follow that instead of guessing.
                if (found is not null) return (new Prediction { Id = found.Id, Status = PredictionStatuses.Starting, CreatedAt = found.CreatedAt }, null);
                return (null, PredictionOutcome.Failed($"Creating the prediction failed ({ex.Message}). It was not retried, because the request may have reached Replicate and a retry could start a second paid prediction; check your Replicate dashboard."));
            }

            if (!PredictionIds.IsValid(created.Id))
                return (null, PredictionOutcome.Failed($"Replicate answered the create without a usable prediction id ('{created.Id}')."));
            finder.MarkKnown(created.Id);
            hold.Answered(created.Id);
            if (created.CreatedAt is { } createdAt) clock.Observe(createdAt);
            if (created.Id != found?.Id) await progress.CreatedAsync(created.Id);
            return (created, null);
        }
        finally
        {
            await stopFinding.CancelAsync();
        }
    }

    /// <summary>Re-attaches to a prediction created earlier (e.g. by a process that died) and follows it to its end.</summary>
    public async Task<PredictionOutcome> FollowAsync(string predictionId, PredictionRequest request, DateTimeOffset deadline, CancellationToken canceled, CancellationToken stopping)
    {
        await _slots.WaitAsync(stopping);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var placeholder = new Prediction { Id = predictionId, Status = PredictionStatuses.Starting };
            return await FollowCoreAsync(placeholder, request, deadline, canceled, stopping);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private async Task<PredictionOutcome> FollowCoreAsync(Prediction current, PredictionRequest request, DateTimeOffset deadline, CancellationToken canceled, CancellationToken stopping)
    {
        while (!current.IsTerminal)
        {
            if (canceled.IsCancellationRequested)
                return await CancelAsync(current, request, stopping);

            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                var result = await results.BuildAsync(current, download: false, request.DownloadFolder, pending: true, stopping);
                return new PredictionOutcome(OutcomeStatus.TimedOut, result,
                    $"Timed out after {request.Timeout.TotalSeconds:0.#} s; the prediction keeps running on Replicate. Fetch it later with replicate_get_prediction {{\"prediction_id\": \"{current.Id}\"}}.");
            }

            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(canceled, stopping);
            var followed = tracker.FollowAsync(current.Id, current.CreatedAt, waiting.Token);
            var timedOut = Task.Delay(deadline - now, time, waiting.Token);
            try
            {
                await Task.WhenAny(followed, timedOut);
                if (followed.IsCompletedSuccessfully) current = followed.Result;
                else if (followed.Exception?.InnerException is FollowLostException lost)
                    return PredictionOutcome.Failed($"Lost contact with Replicate for {lost.Budget.TotalSeconds:0} s while following prediction {current.Id} ({lost.LastFault}). It may still finish: check it with replicate_get_prediction.", current.Id);
                else if (followed.Exception?.InnerException is ReplicateApiException api)
                    return PredictionOutcome.Failed(api.Message, current.Id);
                stopping.ThrowIfCancellationRequested();
            }
            finally
            {
                await waiting.CancelAsync(); // unfollow, drop the timer
                await Task.WhenAll(followed, timedOut).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        return await FinishAsync(current, request, stopping);
    }

    private async Task TryCancelAsync(string predictionId, CancellationToken stopping)
    {
        try
        {
            await client.CancelPredictionAsync(predictionId, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCancelFailed(ex, predictionId); // the cancel is sent again once the create answers
        }
    }

    private async Task<PredictionOutcome> CancelAsync(Prediction current, PredictionRequest request, CancellationToken stopping)
    {
        string? cancelFault = null;
        try
        {
            current = await client.CancelPredictionAsync(current.Id, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCancelFailed(ex, current.Id);
            cancelFault = ex.Message;
        }
        var result = await results.BuildAsync(current, download: false, request.DownloadFolder, pending: false, stopping);
        // A prediction that finished before the cancel reached it keeps its real outcome.
        return current.Status == PredictionStatuses.Succeeded
            ? await FinishAsync(current, request, stopping)
            : new PredictionOutcome(OutcomeStatus.Canceled, result with { Status = PredictionStatuses.Canceled },
                cancelFault is null ? "Canceled by the user."
                    : $"Canceled by the user, but the cancel request to Replicate failed ({cancelFault}); prediction {current.Id} may still be running: check it with replicate_get_prediction.");
    }

    private async Task<PredictionOutcome> FinishAsync(Prediction prediction, PredictionRequest request, CancellationToken stopping)
    {
        var result = await results.BuildAsync(prediction, request.Download, request.DownloadFolder, pending: false, stopping);
        return prediction.Status switch
        {
            PredictionStatuses.Succeeded => new PredictionOutcome(OutcomeStatus.Succeeded, result, null),
            PredictionStatuses.Canceled => new PredictionOutcome(OutcomeStatus.Canceled, result, "The prediction was canceled on Replicate."),
            _ => new PredictionOutcome(OutcomeStatus.Failed, result,
                result.Error ?? $"The prediction ended with status '{prediction.Status}'."),
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Created prediction {PredictionId} for {Model}")]
    private partial void LogCreated(string predictionId, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prediction for {Model} failed")]
    private partial void LogFailed(Exception ex, string model);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Found prediction {PredictionId} for {Model} while its create is held open")]
    private partial void LogFound(string predictionId, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancel of prediction {PredictionId} failed")]
    private partial void LogCancelFailed(Exception ex, string predictionId);
}
