using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Ownership;
using ReplicateMcp.Replicate;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Jobs.Service;

/// <summary>
/// Runs what did not succeed again, in the same job (CONTRACT §10): checks the whole request first (all or nothing),
/// records the new attempts durably, then hands the job to <see cref="JobRegistry"/>, whose run creates them like any
/// queued item (intent recorded before each create, so a kill -9 pays each item once more at most).
/// </summary>
internal sealed partial class JobRetrier(
    JobFinder finder,
    IJobStore store,
    IJobPersistence persistence,
    JobRegistry registry,
    ProcessOwnership ownership,
    JobInputChecks checks,
    IReplicateClient client,
    IOptions<ReplicateOptions> replicateOptions,
    ILogger<JobRetrier> logger) : IDisposable
{
    // One retry at a time in this process: two racing retries of one job must not both queue its items.
    private readonly SemaphoreSlim _retries = new(1, 1);

    /// <summary>Queues the items again and returns at once; throws <see cref="JobStartException"/> (nothing ran again) or <see cref="JobLookupException"/>.</summary>
    /// <param name="named">Item indices or step ids as given; null retries everything that did not succeed.</param>
    public async Task<StartOutcome> RetryAsync(JobKind kind, string? id, string idName, IReadOnlyList<string>? named, CancellationToken cancellationToken)
    {
        if (!replicateOptions.Value.HasToken) throw new JobStartException([ReplicateOptions.MissingToken]);
        var found = finder.Find(id, idName, kind);
        await _retries.WaitAsync(cancellationToken);
        try
        {
            var job = Latest(found);
            CheckMayRetry(job, idName);
            var selection = JobRetries.Select(job, named);
            if (selection.Problems.Count > 0) throw new JobStartException(selection.Problems);

            var problems = new List<string>();
            var notes = new List<string>();
            await CheckInputsAsync(job, selection.Indices, problems, notes, cancellationToken);
            var expired = await FindExpiredInputsAsync(job, selection.Indices, problems, notes, cancellationToken);
            if (problems.Count > 0) throw new JobStartException(problems);

            var retried = await RecordAsync(job, selection.Indices, expired, cancellationToken);
            registry.Start(retried);
            LogRetried(job.Id, selection.Indices.Count);
            return new StartOutcome(retried, Message(retried, selection.Indices, notes));
        }
        finally
        {
            _retries.Release();
        }
    }

    /// <summary>
    /// The freshest snapshot: this process's own from memory; any other from its file, which the process that last
    /// ran it (or retried it) replaced, while memory may hold what was read at start.
    /// </summary>
    private Job Latest(Job found)
    {
        var mine = store.Get(found.Id);
        if (mine is not null && mine.OwnerId == ownership.OwnerId) return mine;
        return persistence.TryLoad(found.Id) ?? mine ?? found;
    }

    private void CheckMayRetry(Job job, string idName)
    {
        var mine = job.OwnerId == ownership.OwnerId;
        if (job.Backend is { } backend && backend != JobBackend.Of(replicateOptions.Value))
            throw new JobStartException([$"{idName}: {job.Id} ran against {(backend == JobBackend.Simulator ? "the simulator" : backend)}, and a job is only ever run again against the backend it started on."]);
        if (!job.IsFinished && !mine)
            throw new JobStartException([$"{idName}: {job.Id} is still running in another replicate-mcp process (pid {ProcessOwnership.ProcessIdOf(job)}); retry it there, or once it has ended."]);
        if (!mine && ownership.OwnerIsAlive(job))
            throw new JobStartException([$"{idName}: {job.Id} belongs to another replicate-mcp process (pid {ProcessOwnership.ProcessIdOf(job)}) that shares this state directory; retry it through the client connected to that process."]);
    }

    /// <summary>The retried items' inputs are checked again, as at start: the model's schema may have changed, a file may be gone.</summary>
    private async Task CheckInputsAsync(Job job, IReadOnlyList<int> indices, List<string> problems, List<string> notes, CancellationToken cancellationToken)
    {
        var items = indices.Select(i => job.Items[i]).ToList();
        var spec = new JobSpec(job.Kind, [.. items.Select(i => new ItemSpec(i.StepId, i.Model, i.Input))], job.Settings, ClientRoots: job.ClientRoots);
        var models = items.Select(i => ModelRef.TryParse(i.Model, out var m) ? m : null).ToArray();
        await checks.CheckAsync(spec, models, n => job.Kind == JobKind.Batch ? $"items[{items[n].Index}]" : StepIdSyntax.Path(items[n].StepId, items[n].Index),
            problems, notes, cancellationToken);
    }

    /// <summary>
    /// Succeeded steps that feed a retried step and whose files Replicate has removed (<c>data_removed</c>, or the
    /// prediction is gone): their downloaded files are sent instead. Without downloads the retry cannot go on.
    /// </summary>
    private async Task<IReadOnlyList<int>> FindExpiredInputsAsync(Job job, IReadOnlyList<int> indices, List<string> problems, List<string> notes, CancellationToken cancellationToken)
    {
        if (job.Kind != JobKind.Pipeline) return [];
        var expired = new List<int>();
        foreach (var index in JobRetries.SucceededInputsOf(job, indices))
        {
            var step = job.Items[index];
            if (step.Result is not { Urls.Count: > 0 } result) continue; // text and values are kept in the job itself
            var removed = step.OutputsExpired ? true : await IsRemovedAsync(step, cancellationToken);
            if (removed != true) continue;
            var missing = result.LocalPaths.Count < result.Urls.Count ? null : result.LocalPaths.FirstOrDefault(p => !File.Exists(p));
            if (result.LocalPaths.Count < result.Urls.Count || missing is not null)
            {
                var why = !job.Settings.Download ? "the pipeline ran with download: false"
                    : missing is not null ? $"its downloaded file {missing} is gone"
                    : $"its files were not all downloaded ({result.DownloadError ?? "download failed"})";
                problems.Add($"steps[{step.StepId}]: its output files have expired on Replicate and {why}, so the steps that use them cannot run again; start a new pipeline instead.");
                continue;
            }
            expired.Add(index);
        }
        if (expired.Count > 0)
            notes.Add($"The outputs of {string.Join(", ", expired.Select(i => $"step {job.Items[i].StepId}"))} have expired on Replicate: their downloaded files are sent instead.");
        return expired;
    }

    /// <summary>True when Replicate has removed the step's files; null when it could not be asked (the URLs are tried as they are).</summary>
    private async Task<bool?> IsRemovedAsync(JobItem step, CancellationToken cancellationToken)
    {
        if (step.PredictionId is not { } predictionId || !PredictionIds.IsValid(predictionId)) return null;
        try
        {
            return (await client.GetPredictionAsync(predictionId, cancellationToken)).DataRemoved;
        }
        catch (ReplicateApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return true; // forgotten altogether
        }
        catch (Exception ex) when (ReplicateFaults.IsAny(ex))
        {
            LogExpiryUnknown(ex, step.Key);
            return null;
        }
    }

    /// <summary>
    /// Saves the new attempts (durably) before anything is created. A finished job is claimed first, once per retry
    /// round, so of several servers sharing the state directory exactly one runs it again.
    /// </summary>
    private async Task<Job> RecordAsync(Job job, IReadOnlyList<int> indices, IReadOnlyList<int> expired, CancellationToken cancellationToken)
    {
        var round = job.Items.Sum(i => i.Attempts.Length);
        bool claimed;
        try
        {
            claimed = !job.IsFinished || ownership.StateDirectory is not { } stateDirectory
                || new JobClaims(stateDirectory, ownership.OwnerId).TryClaim(new OwnedJob(job.Id, $"retry-{round}"));
        }
        catch (StateWriteException ex)
        {
            throw NotRecorded(job, ex);
        }
        if (!claimed)
            throw new JobStartException([$"{job.Id} is being retried by another replicate-mcp process sharing this state directory; follow it with the status tool."]);

        var backend = JobBackend.Of(replicateOptions.Value);
        Job Retry(Job from) => from.Retried([.. indices], [.. expired], ownership.OwnerId) with { Backend = from.Backend ?? backend };
        var retried = Retry(job);
        try
        {
            if (store.Get(job.Id) is null)
            {
                await store.AddAsync(retried, cancellationToken);
                return retried;
            }
            var unchanged = false;
            var updated = await store.UpdateAsync(job.Id, current =>
            {
                // Between the checks and now the job may have moved on (only a running job of this process can).
                unchanged = indices.Any(i => !current.Items[i].Status.IsTerminal() || current.Items[i].Status == ItemStatus.Succeeded);
                return unchanged ? current : ReferenceEquals(current, job) || current.OwnerId != ownership.OwnerId ? retried : Retry(current);
            }, durable: true, cancellationToken);
            if (updated is null || unchanged)
                throw new JobStartException([$"{job.Id} changed while the retry was checked; call the retry again."]);
            return updated;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing may be created that a restart could not find: without the record on disk, nothing runs again,
            // and memory goes back to what it was (a job of this process may have moved on meanwhile: only the retried items).
            try
            {
                await store.UpdateAsync(job.Id, current => !indices.All(i => current.Items[i].Status == ItemStatus.Queued) ? current
                    : job.IsFinished ? job : current with { Items = [.. current.Items.Select(i => indices.Contains(i.Index) ? job.Items[i.Index] : i)] },
                    durable: false, CancellationToken.None);
            }
            catch (Exception undo) when (undo is IOException or UnauthorizedAccessException)
            {
                LogUndoUnsaved(undo, job.Id);
            }
            throw NotRecorded(job, ex);
        }
    }

    /// <summary>The refusal of a retry whose record (its claim, or the job with its new attempts) did not reach the disk.</summary>
    private JobStartException NotRecorded(Job job, Exception ex) => new([
        $"the retry of {job.Id} could not be recorded before anything was created: " +
        (ex is StateWriteException ? ex.Message : $"the state folder {ownership.StateDirectory} cannot be written ({ex.Message})") +
        ". Free some space (or fix the folder) and retry again."]);

    private static string Message(Job job, IReadOnlyList<int> indices, List<string> notes)
    {
        var text = $"Retrying {(job.Kind == JobKind.Batch ? "batch" : "pipeline")} {job.Id}: {JobRetries.Count(job, indices)}; what succeeded is kept and not paid for again, " +
            $"and each earlier try stays in its result's attempts.{FollowHint(job)}";
        return notes.Count == 0 ? text : text + " " + string.Join(" ", notes);
    }

    /// <summary>The sentence of the answer that tells a model how to follow the job (<c>run</c> leaves it out).</summary>
    public static string FollowHint(Job job)
    {
        var (idName, statusTool) = job.Kind == JobKind.Batch ? ("job_id", "replicate_batch_status") : ("pipeline_id", "replicate_pipeline_status");
        return $" Call {statusTool} with {{\"{idName}\": \"{job.Id}\", \"wait_seconds\": 30}} to follow it.";
    }

    /// <summary>The one text a refused retry is reported with, by a tool (isError) and by <c>run --retry</c> (stderr).</summary>
    public static string RefusalText(JobStartException refused) => refused.Text("Nothing was run again");

    public void Dispose() => _retries.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying job {JobId}: {Count} items run again")]
    private partial void LogRetried(string jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the refused retry was undone in memory; saving that failed too")]
    private partial void LogUndoUnsaved(Exception ex, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Whether step {Step}'s outputs expired could not be asked of Replicate; its URLs are used")]
    private partial void LogExpiryUnknown(Exception ex, string step);
}
