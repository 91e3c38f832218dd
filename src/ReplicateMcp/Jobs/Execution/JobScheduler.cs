using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs.Execution;

/// <summary>
/// Runs one job's items to the job's end: a batch is a pipeline without dependencies. Ready items go through a
/// channel to <c>concurrency</c> workers; an item becomes ready the moment its last dependency succeeds, and a
/// failure skips everything downstream of it. Whatever an item's preparation, run or recording throws ends that
/// item, never a worker (CONTRACT §7). The process-wide cap lives in <see cref="PredictionRunner"/>.
/// </summary>
internal sealed partial class JobScheduler(
    IJobStore store,
    PredictionRunner runner,
    SentCreateFinder finder,
    StepInputPreparer inputs,
    TimeProvider time,
    ILogger<JobScheduler> logger)
{
    /// <summary>
    /// Runs the job until every item has ended, the user cancels (<paramref name="canceled"/>) or the process stops
    /// (<paramref name="stopping"/>: the next process resumes from the saved state). Never throws.
    /// </summary>
    public async Task RunAsync(Job job, CancellationToken canceled, CancellationToken stopping)
    {
        try
        {
            job = await ReattachSentCreatesAsync(job, stopping);
            var graph = JobSteps.Graph(job);
            if (graph.InitiallySkipped.Count > 0) await SkipAsync(job.Id, graph.InitiallySkipped);
            var ready = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
            foreach (var index in graph.InitiallyReady()) ready.Writer.TryWrite(index);
            if (graph.AllDone) ready.Writer.TryComplete();

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(canceled, stopping);
            var workers = Enumerable.Range(0, Math.Max(1, job.Settings.Concurrency))
                .Select(_ => WorkAsync(job.Id, graph, ready, canceled, stopping, linked.Token));
            await Task.WhenAll(workers);

            if (stopping.IsCancellationRequested) return;
            await store.UpdateAsync(job.Id, j => j.Completed(time.GetUtcNow()), durable: true, CancellationToken.None);
            LogFinished(job.Id, store.Get(job.Id)?.Status.ToString() ?? "gone");
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Our own bug: record it on the job instead of leaving it running forever.
            LogBug(ex, job.Id);
            try
            {
                await store.UpdateAsync(job.Id, j => j.FailedRemaining(time.GetUtcNow(), $"Internal error: {ex.Message}"), durable: true, CancellationToken.None);
            }
            catch (Exception saveFault)
            {
                LogBug(saveFault, job.Id); // in memory it is finished; the disk keeps the last state it could take
            }
        }
        catch (Exception ex)
        {
            LogBug(ex, job.Id); // stopping: the next process resumes from the saved state
        }
    }

    private async Task WorkAsync(string jobId, StepGraph graph, Channel<int> ready, CancellationToken canceled, CancellationToken stopping, CancellationToken either)
    {
        try
        {
            await foreach (var index in ready.Reader.ReadAllAsync(either))
            {
                var status = await RunItemAsync(jobId, index, canceled, stopping);
                if (status is null) return; // shutting down
                var (newlyReady, skipped) = graph.Finished(index, status.Value);
                if (skipped.Count > 0) await SkipAsync(jobId, skipped);
                foreach (var next in newlyReady) ready.Writer.TryWrite(next);
                if (graph.AllDone) ready.Writer.TryComplete();
            }
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one item; returns its final status, or null when the process is stopping.</summary>
    private async Task<ItemStatus?> RunItemAsync(string jobId, int index, CancellationToken canceled, CancellationToken stopping)
    {
        var job = store.Get(jobId);
        if (job is null) return ItemStatus.Canceled;
        var item = job.Items[index];
        if (item.Status.IsTerminal()) return item.Status;

        PredictionOutcome outcome;
        try
        {
            outcome = await PrepareAndRunAsync(job, item, canceled, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException) when (canceled.IsCancellationRequested)
        {
            outcome = new PredictionOutcome(OutcomeStatus.Canceled, null, JobTransitions.CanceledBeforeStart);
        }
        catch (StateWriteException ex)
        {
            // Thrown by the intent record, before the create: nothing was sent (CONTRACT §6, fail closed).
            LogRecordFault(ex, jobId, item.Key);
            outcome = PredictionOutcome.Failed($"Not created: its create could not be recorded before it was sent, because {ex.Message}. Free the space (or fix the folder) and retry this item.");
        }
        catch (Exception ex)
        {
            // Whatever preparation or the runner throws ends this item, never the worker: a dead worker leaves
            // the job running forever.
            LogItemFault(ex, jobId, item.Key);
            outcome = PredictionOutcome.Failed($"This item stopped on an unexpected error ({ex.GetType().Name}: {ex.Message}); the rest of the job went on.");
        }

        if (outcome.Status != OutcomeStatus.Succeeded) LogItemEnded(jobId, item.Key, outcome.Status.ToItemStatus().ToWire());
        var now = time.GetUtcNow();
        try
        {
            var updated = await store.UpdateAsync(jobId, j => j.ItemFinished(index, outcome, now), durable: true, CancellationToken.None);
            return updated?.Items[index].Status ?? outcome.Status.ToItemStatus();
        }
        catch (Exception ex)
        {
            LogRecordFault(ex, jobId, item.Key);
            return await RecordUnsavedAsync(jobId, index, outcome, ex, now);
        }
    }

    private async Task<PredictionOutcome> PrepareAndRunAsync(Job job, JobItem item, CancellationToken canceled, CancellationToken stopping)
    {
        var prepared = await inputs.PrepareAsync(JobSteps.InputRequest(job, item), stopping);
        if (prepared.Error is not null) return PredictionOutcome.Failed(prepared.Error);

        var request = new PredictionRequest(ParseModel(item.Model), prepared.Input, TimeSpan.FromMilliseconds(job.Settings.TimeoutMs), job.Settings.Download, $"{job.Id}/{item.Key}");
        return item is { Status: ItemStatus.Running, PredictionId: { } predictionId }
            ? await runner.FollowAsync(predictionId, request, (item.StartedAt ?? time.GetUtcNow()) + request.Timeout, canceled, stopping)
            : await runner.RunAsync(request, new ItemProgress(store, time, job.Id, item.Index, prepared.Shown ?? prepared.Input), canceled, stopping);
    }

    /// <summary>
    /// Items whose create was recorded as sent but whose id never came back (a quit or kill while the create was held
    /// open) are found on Replicate and re-attached; those not found never reached it and are created again.
    /// </summary>
    private async Task<Job> ReattachSentCreatesAsync(Job job, CancellationToken stopping)
    {
        var unanswered = job.Items.Where(i => i is { Status: ItemStatus.Running, PredictionId: null, Sent: not null }).ToList();
        if (unanswered.Count == 0) return job;
        var indexBySent = unanswered.ToDictionary(i => i.Sent!, i => i.Index);
        while (true)
        {
            try
            {
                await finder.FindAsync([.. indexBySent.Keys], TakenIds, async matches =>
                {
                    foreach (var (sent, prediction) in matches) LogReattached(job.Id, job.Items[indexBySent[sent]].Key, prediction.Id);
                    await store.UpdateAsync(job.Id, j => matches.Aggregate(j, (next, m) => next.ItemCreated(indexBySent[m.Sent], m.Prediction.Id)), durable: true, CancellationToken.None);
                }, stopping);
                return store.Get(job.Id) ?? job;
            }
            catch (Exception ex) when (ReplicateFaults.IsAny(ex) && !stopping.IsCancellationRequested)
            {
                // Creating again without knowing could pay twice: keep asking until Replicate answers.
                LogReattachFault(ex, job.Id);
                await Task.Delay(ReattachRetryDelay, time, stopping);
            }
        }
    }

    private static readonly TimeSpan ReattachRetryDelay = TimeSpan.FromSeconds(2);

    private IReadOnlySet<string> TakenIds() =>
        store.List().SelectMany(j => j.Items).SelectMany(i => i.Attempts.Select(a => a.PredictionId).Append(i.PredictionId)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The outcome could not be saved (e.g. a full disk): the item is reported failed with the reason, so nobody
    /// trusts a result a restart would not find. Memory holds it even when this write cannot reach the disk either.
    /// </summary>
    private async Task<ItemStatus> RecordUnsavedAsync(string jobId, int index, PredictionOutcome outcome, Exception fault, DateTimeOffset now)
    {
        var error = outcome is { Status: OutcomeStatus.Failed, Error: { } failed } ? failed
            : $"Its outcome ({outcome.Status.ToItemStatus().ToWire()}) could not be saved ({fault.Message}), so it is reported failed."
            + (outcome.Result?.PredictionId is { } id ? $" The prediction is {id}: check it with replicate_get_prediction." : "");
        try
        {
            await store.UpdateAsync(jobId, j => j.ItemFailed(index, outcome, error, now), durable: false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogRecordFault(ex, jobId, $"item {index}");
        }
        return ItemStatus.Failed;
    }

    private async Task SkipAsync(string jobId, IReadOnlyList<(int Index, string Reason)> skipped)
    {
        var now = time.GetUtcNow();
        try
        {
            await store.UpdateAsync(jobId, j => j.ItemsSkipped(skipped, now));
        }
        catch (Exception ex)
        {
            // The skips are in memory already (the store swaps before it saves); the next save carries them.
            LogRecordFault(ex, jobId, "skipped items");
        }
    }

    private static ModelRef ParseModel(string model) =>
        ModelRef.TryParse(model, out var parsed) ? parsed : throw new InvalidOperationException($"Model '{model}' was validated at start.");

    /// <summary>Writes an item's milestones into the store.</summary>
    private sealed class ItemProgress(IJobStore store, TimeProvider time, string jobId, int index, JsonElement sentInput) : IPredictionProgress
    {
        public Task StartedAsync()
        {
            var now = time.GetUtcNow();
            return store.UpdateAsync(jobId, j => j.ItemStarted(index, now, sentInput));
        }

        public Task SentAsync(SentCreate sent) =>
            store.UpdateAsync(jobId, j => j.ItemSent(index, sent), durable: true);

        public async Task CreatedAsync(string predictionId)
        {
            try
            {
                await store.UpdateAsync(jobId, j => j.ItemCreated(index, predictionId), durable: true);
            }
            catch (StateWriteException)
            {
                // The money is spent and its intent is on disk (a restart finds it); failing the item now would stop
                // following a paid prediction. Memory has the id; the next save that reaches the disk carries it.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished: {Status}")]
    private partial void LogFinished(string jobId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} item {Item} ended {Status}")]
    private partial void LogItemEnded(string jobId, string item, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} item {Item} stopped on an unexpected error")]
    private partial void LogItemFault(Exception ex, string jobId, string item);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: saving {Item} failed")]
    private partial void LogRecordFault(Exception ex, string jobId, string item);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} item {Item}: re-attached to prediction {PredictionId}, created before a restart")]
    private partial void LogReattached(string jobId, string item, string predictionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: finding creates sent before a restart failed; trying again")]
    private partial void LogReattachFault(Exception ex, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} stopped on an internal error")]
    private partial void LogBug(Exception ex, string jobId);
}
