using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Jobs;

/// <summary>
/// Runs a job's items: a batch is a pipeline without dependencies. Ready items go through a channel to
/// <c>concurrency</c> workers; an item becomes ready the moment its last dependency succeeds, and a failure
/// skips everything downstream of it. The process-wide cap lives in <see cref="PredictionRunner"/>.
/// </summary>
internal sealed partial class JobExecutor(
    IJobStore store,
    PredictionRunner runner,
    StepInputPreparer inputs,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<JobExecutor> logger)
{
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);

    private sealed record RunningJob(CancellationTokenSource Cancel, Task Completion);

    /// <summary>Starts (or resumes) a stored job in the background and returns at once.</summary>
    public void Start(Job job)
    {
        // The tool call's token ends when the call returns; the job must outlive it.
        var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = Task.Run(async () =>
        {
            await started.Task;
            await RunAsync(job, cts.Token, lifetime.ApplicationStopping);
        }, CancellationToken.None);
        _running[job.Id] = new RunningJob(cts, completion);
        started.SetResult();
    }

    /// <summary>Completes when the job's background run has ended (tests, shutdown, cancel).</summary>
    public Task WhenStoppedAsync(string jobId) => _running.TryGetValue(jobId, out var run) ? run.Completion : Task.CompletedTask;

    /// <summary>
    /// Cancels a job: every unfinished item is marked canceled at once (a long <c>Prefer: wait</c> never delays this),
    /// and the background run cancels the created predictions on Replicate.
    /// </summary>
    public async Task<Job?> CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var job = await store.UpdateAsync(jobId, j => j.IsFinished ? j : MarkCanceled(j, now), durable: true, cancellationToken);
        if (_running.TryGetValue(jobId, out var run)) await run.Cancel.CancelAsync();
        return job;
    }

    private static Job MarkCanceled(Job job, DateTimeOffset now) => job with
    {
        CanceledByUser = true,
        CompletedAt = now,
        Items = [.. job.Items.Select(i => i.Status.IsTerminal() ? i : i with
        {
            Status = ItemStatus.Canceled,
            CompletedAt = now,
            Error = i.Status == ItemStatus.Running ? "Canceled by the user; the prediction is being cancelled on Replicate." : "Canceled by the user before it started.",
        })],
    };

    private async Task RunAsync(Job job, CancellationToken canceled, CancellationToken stopping)
    {
        try
        {
            var graph = new JobGraph(job);
            if (graph.InitiallySkipped.Count > 0) await SkipAsync(job.Id, graph.InitiallySkipped);
            var ready = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
            foreach (var index in graph.InitiallyReady()) ready.Writer.TryWrite(index);
            if (graph.AllDone) ready.Writer.TryComplete();

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(canceled, stopping);
            var workers = Enumerable.Range(0, Math.Max(1, job.Settings.Concurrency))
                .Select(_ => WorkAsync(job.Id, graph, ready, canceled, stopping, linked.Token));
            await Task.WhenAll(workers);

            if (stopping.IsCancellationRequested) return; // the next process resumes from the saved state
            await store.UpdateAsync(job.Id, j => Complete(j, time.GetUtcNow()), durable: true, CancellationToken.None);
            var final = store.Get(job.Id);
            LogFinished(job.Id, final?.Status.ToString() ?? "gone");
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Our own bug: record it on the job instead of leaving it running forever.
            LogBug(ex, job.Id);
            try
            {
                await store.UpdateAsync(job.Id, j => FailRemaining(j, time.GetUtcNow(), $"Internal error: {ex.Message}"), durable: true, CancellationToken.None);
            }
            catch (Exception saveFault)
            {
                LogBug(saveFault, job.Id); // in memory it is finished; the disk keeps the last state it could take
            }
        }
        finally
        {
            if (_running.TryRemove(job.Id, out var run)) run.Cancel.Dispose();
        }
    }

    private async Task WorkAsync(string jobId, JobGraph graph, Channel<int> ready, CancellationToken canceled, CancellationToken stopping, CancellationToken either)
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
            var prepared = await inputs.PrepareAsync(job, item, stopping);
            if (prepared.Error is not null)
            {
                outcome = PredictionOutcome.Failed(prepared.Error);
            }
            else
            {
                var request = new PredictionRequest(ParseModel(item.Model), prepared.Input, TimeSpan.FromMilliseconds(job.Settings.TimeoutMs), job.Settings.Download, $"{job.Id}/{item.Key}");
                var progress = new ItemProgress(store, time, jobId, index, prepared.Input);
                outcome = item is { Status: ItemStatus.Running, PredictionId: { } predictionId }
                    ? await runner.FollowAsync(predictionId, request, (item.StartedAt ?? time.GetUtcNow()) + request.Timeout, canceled, stopping)
                    : await runner.RunAsync(request, progress, canceled, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException) when (canceled.IsCancellationRequested)
        {
            outcome = new PredictionOutcome(ItemStatus.Canceled, null, "Canceled by the user before it started.");
        }
        catch (Exception ex)
        {
            // Whatever preparation or the runner throws ends this item, never the worker: a dead worker leaves
            // the job running forever (CONTRACT §7).
            LogItemFault(ex, jobId, item.Key);
            outcome = PredictionOutcome.Failed($"This item stopped on an unexpected error ({ex.GetType().Name}: {ex.Message}); the rest of the job went on.");
        }

        if (outcome.Status != ItemStatus.Succeeded) LogItemEnded(jobId, item.Key, outcome.Status.ToWire());
        var now = time.GetUtcNow();
        try
        {
            var updated = await store.UpdateAsync(jobId, j => j.WithItem(index, i => Record(i, outcome, now)), durable: true, CancellationToken.None);
            return updated?.Items[index].Status ?? outcome.Status;
        }
        catch (Exception ex)
        {
            LogRecordFault(ex, jobId, item.Key);
            return await RecordUnsavedAsync(jobId, index, outcome, ex, now);
        }
    }

    /// <summary>
    /// The outcome could not be saved (e.g. a full disk): the item is reported failed with the reason, so nobody
    /// trusts a result a restart would not find. Memory holds it even when this write cannot reach the disk either.
    /// </summary>
    private async Task<ItemStatus> RecordUnsavedAsync(string jobId, int index, PredictionOutcome outcome, Exception fault, DateTimeOffset now)
    {
        var error = $"Its outcome ({outcome.Status.ToWire()}) could not be saved ({fault.Message}), so it is reported failed."
            + (outcome.Result?.PredictionId is { } id ? $" The prediction is {id}: check it with replicate_get_prediction." : "");
        try
        {
            await store.UpdateAsync(jobId, j => j.WithItem(index, i => i with
            {
                Status = ItemStatus.Failed,
                Result = outcome.Result ?? i.Result,
                PredictionId = outcome.Result?.PredictionId ?? i.PredictionId,
                Error = error,
                CompletedAt = now,
            }), durable: false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogRecordFault(ex, jobId, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return ItemStatus.Failed;
    }

    private static JobItem Record(JobItem item, PredictionOutcome outcome, DateTimeOffset now)
    {
        // Cancelled by the user while running: keep "canceled" unless the prediction had in fact succeeded.
        var status = item.Status == ItemStatus.Canceled && outcome.Status != ItemStatus.Succeeded ? ItemStatus.Canceled : outcome.Status;
        return item with
        {
            Status = status,
            Result = outcome.Result ?? item.Result,
            PredictionId = outcome.Result?.PredictionId ?? item.PredictionId,
            Error = status == ItemStatus.Succeeded ? null : outcome.Error ?? item.Error,
            CompletedAt = item.Status == ItemStatus.Canceled && status == ItemStatus.Canceled ? item.CompletedAt : now,
        };
    }

    private async Task SkipAsync(string jobId, IReadOnlyList<(int Index, string Reason)> skipped)
    {
        var now = time.GetUtcNow();
        try
        {
            await store.UpdateAsync(jobId, j =>
            {
                foreach (var (index, reason) in skipped)
                    if (!j.Items[index].Status.IsTerminal())
                        j = j.WithItem(index, i => i with { Status = ItemStatus.Skipped, SkipReason = reason, CompletedAt = now });
                return j;
            });
        }
        catch (Exception ex)
        {
            // The skips are in memory already (the store swaps before it saves); the next save carries them.
            LogRecordFault(ex, jobId, "skipped items");
        }
    }

    private static Job Complete(Job job, DateTimeOffset now)
    {
        // Items still open here can only be ones a user cancel stopped before they ran.
        if (job.Items.Any(i => !i.Status.IsTerminal()))
            job = job with { Items = [.. job.Items.Select(i => i.Status.IsTerminal() ? i : i with { Status = ItemStatus.Canceled, CompletedAt = now })] };
        return job.CompletedAt is null ? job with { CompletedAt = now } : job;
    }

    private static Job FailRemaining(Job job, DateTimeOffset now, string error) => Complete(job with
    {
        Items = [.. job.Items.Select(i => i.Status.IsTerminal() ? i : i with { Status = ItemStatus.Failed, Error = error, CompletedAt = now })],
    }, now);

    private static ModelRef ParseModel(string model) =>
        ModelRef.TryParse(model, out var parsed) ? parsed : throw new InvalidOperationException($"Model '{model}' was validated at start.");

    /// <summary>Writes an item's milestones into the store.</summary>
    private sealed class ItemProgress(IJobStore store, TimeProvider time, string jobId, int index, JsonElement sentInput) : IPredictionProgress
    {
        public Task StartedAsync()
        {
            var now = time.GetUtcNow();
            return store.UpdateAsync(jobId, j => j.Items[index].Status != ItemStatus.Queued ? j
                : j.WithItem(index, i => i with { Status = ItemStatus.Running, StartedAt = now, SentInput = sentInput }));
        }

        public Task CreatedAsync(string predictionId) =>
            store.UpdateAsync(jobId, j => j.WithItem(index, i => i with { PredictionId = predictionId }), durable: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished: {Status}")]
    private partial void LogFinished(string jobId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} item {Item} ended {Status}")]
    private partial void LogItemEnded(string jobId, string item, string status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} item {Item} stopped on an unexpected error")]
    private partial void LogItemFault(Exception ex, string jobId, string item);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: saving {Item} failed")]
    private partial void LogRecordFault(Exception ex, string jobId, string item);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} stopped on an internal error")]
    private partial void LogBug(Exception ex, string jobId);
}
