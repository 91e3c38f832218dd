using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>Callbacks through which a running prediction reports its milestones to its job.</summary>
internal interface IPredictionProgress
{
    /// <summary>A process-wide slot was granted: the prediction is about to be created.</summary>
    Task StartedAsync();

    /// <summary>Replicate returned an id; it must be durable before the item is reported running.</summary>
    Task CreatedAsync(string predictionId);
}

/// <summary>
/// Runs one prediction to its end: create with <c>Prefer: wait</c>, poll with backoff, cancel, time out,
/// build the result. The only place that bounds concurrency across the process.
/// </summary>
internal sealed partial class PredictionRunner(
    IReplicateClient client,
    ModelCatalog catalog,
    PredictionResultBuilder results,
    TimeProvider time,
    IOptions<PredictionRunnerOptions> options,
    IOptions<ReplicateOptions> replicateOptions,
    ILogger<PredictionRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);

    public void Dispose() => _slots.Dispose();
    private readonly PredictionRunnerOptions _options = options.Value;
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
            }
            catch (OperationCanceledException) when (canceled.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                return new PredictionOutcome(ItemStatus.Canceled, null, "Canceled before the prediction was created.");
            }
            catch (Exception ex) when (ReplicateFaults.IsAny(ex))
            {
                LogFailed(ex, request.Model.ToString());
                return PredictionOutcome.Failed($"Looking up model {request.Model} failed, so no prediction was created: {ex.Message}");
            }
            // Last moment a cancel can stop this item for free: after this line the create is on the wire.
            if (canceled.IsCancellationRequested)
                return new PredictionOutcome(ItemStatus.Canceled, null, "Canceled before the prediction was created.");

            Prediction created;
            try
            {
                var wait = (int)Math.Clamp(Math.Floor((deadline - time.GetUtcNow()).TotalSeconds), 1, replicateOptions.Value.MaxPreferWaitSeconds);
                // Not the user's cancel token: abandoning a create on the wire would leave a paid prediction
                // running unseen. Once it answers we know the id and cancel it properly.
                created = await client.CreatePredictionAsync(target, request.Input, wait, stopping);
            }
            catch (ReplicateApiException ex)
            {
                LogFailed(ex, request.Model.ToString());
                return PredictionOutcome.Failed(ex.Message);
            }
            catch (Exception ex) when (ReplicateFaults.IsNetwork(ex))
            {
                LogFailed(ex, request.Model.ToString());
                return PredictionOutcome.Failed($"Creating the prediction failed ({ex.Message}). It was not retried, because the request may have reached Replicate and a retry could start a second paid prediction; check your Replicate dashboard.");
            }

            if (!PredictionIds.IsValid(created.Id))
                return PredictionOutcome.Failed($"Replicate answered the create without a usable prediction id ('{created.Id}').");
            await progress.CreatedAsync(created.Id);
            LogCreated(created.Id, request.Model.ToString());
            return await FollowCoreAsync(created, request, deadline, canceled, stopping);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    /// <summary>Re-attaches to a prediction created earlier (e.g. by a process that died) and follows it to its end.</summary>
    public async Task<PredictionOutcome> FollowAsync(string predictionId, PredictionRequest request, DateTimeOffset deadline, CancellationToken canceled, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(canceled, stopping);
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
        var createdAt = time.GetUtcNow();
        var delay = _options.FirstPollDelay;
        DateTimeOffset? failingSince = null;
        string? lastFault = null;

        while (!current.IsTerminal)
        {
            if (canceled.IsCancellationRequested)
                return await CancelAsync(current, request, stopping);

            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                var result = await results.BuildAsync(current, download: false, request.DownloadFolder, pending: true, stopping);
                return new PredictionOutcome(ItemStatus.TimedOut, result,
                    $"Timed out after {request.Timeout.TotalSeconds:0.#} s; the prediction keeps running on Replicate. Fetch it later with replicate_get_prediction {{\"prediction_id\": \"{current.Id}\"}}.");
            }

            try
            {
                using var waitToken = CancellationTokenSource.CreateLinkedTokenSource(canceled, stopping);
                var wait = delay < deadline - now ? delay : deadline - now;
                await Task.Delay(wait, time, waitToken.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                continue; // the user cancelled: handled at the top of the loop
            }
            if (time.GetUtcNow() >= deadline) continue;

            try
            {
                current = await client.GetPredictionAsync(current.Id, stopping);
                failingSince = null;
            }
            catch (Exception ex) when (ReplicateFaults.IsTransient(ex))
            {
                // Polls are safe to repeat: only an unbroken run of failures longer than the budget ends the item.
                // A 429 that outlasted the client's retries is one of them; it must not escape as an exception.
                failingSince ??= time.GetUtcNow();
                lastFault = ex.Message;
                LogPollFault(current.Id, ex.Message);
                if (time.GetUtcNow() - failingSince >= _options.PollFailureBudget)
                    return PredictionOutcome.Failed($"Lost contact with Replicate for {_options.PollFailureBudget.TotalSeconds:0} s while following prediction {current.Id} ({lastFault}). It may still finish: check it with replicate_get_prediction.", current.Id);
            }
            catch (ReplicateApiException ex)
            {
                return PredictionOutcome.Failed(ex.Message, current.Id);
            }
            delay = NextDelay(delay, time.GetUtcNow() - createdAt);
        }
        return await FinishAsync(current, request, stopping);
    }

    private TimeSpan NextDelay(TimeSpan previous, TimeSpan elapsed)
    {
        if (elapsed < _options.SteadyPeriod) return _options.SteadyPollInterval;
        var grown = previous * 1.5;
        return grown > _options.MaxPollInterval ? _options.MaxPollInterval : grown;
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
            : new PredictionOutcome(ItemStatus.Canceled, result with { Status = PredictionStatuses.Canceled },
                cancelFault is null ? "Canceled by the user."
                    : $"Canceled by the user, but the cancel request to Replicate failed ({cancelFault}); prediction {current.Id} may still be running: check it with replicate_get_prediction.");
    }

    private async Task<PredictionOutcome> FinishAsync(Prediction prediction, PredictionRequest request, CancellationToken stopping)
    {
        var result = await results.BuildAsync(prediction, request.Download, request.DownloadFolder, pending: false, stopping);
        return prediction.Status switch
        {
            PredictionStatuses.Succeeded => new PredictionOutcome(ItemStatus.Succeeded, result, null),
            PredictionStatuses.Canceled => new PredictionOutcome(ItemStatus.Canceled, result, "The prediction was canceled on Replicate."),
            _ => new PredictionOutcome(ItemStatus.Failed, result,
                result.Error ?? $"The prediction ended with status '{prediction.Status}'."),
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Created prediction {PredictionId} for {Model}")]
    private partial void LogCreated(string predictionId, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prediction for {Model} failed")]
    private partial void LogFailed(Exception ex, string model);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Poll of {PredictionId} failed: {Reason}")]
    private partial void LogPollFault(string predictionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancel of prediction {PredictionId} failed")]
    private partial void LogCancelFailed(Exception ex, string predictionId);
}
