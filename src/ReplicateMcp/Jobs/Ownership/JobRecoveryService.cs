using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Replicate;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs.Ownership;

/// <summary>
/// Keeps every unfinished job owned (CONTRACT §6). At start it loads the state directory (finished jobs report as
/// before) and then, at start and every <see cref="JobStoreOptions.OrphanSweepInterval"/>, adopts unfinished jobs of
/// this backend whose owner's lock is free: one claim per job and dead owner, so exactly one of several servers wins;
/// the winner records itself as owner and resumes the job (created predictions are re-attached by id).
/// At stop — after <see cref="JobRegistry"/> has awaited the running jobs — the state is flushed and the owner lock
/// released, so another server can adopt what is left at once. <c>run</c> (<see cref="JobStoreOptions.AdoptOrphans"/>
/// false) neither loads nor adopts.
/// </summary>
internal sealed partial class JobRecoveryService(
    IJobPersistence persistence,
    InMemoryJobStore store,
    JobRegistry registry,
    ProcessOwnership ownership,
    JobStateLoad load,
    IOptions<JobStoreOptions> options,
    IOptions<ReplicateOptions> replicateOptions,
    TimeProvider time,
    ILogger<JobRecoveryService> logger) : IHostedService, IDisposable
{
    /// <summary>Why a format-1 job (no backend recorded) is ended instead of resumed.</summary>
    public const string NoBackendRecorded =
        "Not resumed: this job was saved by an older replicate-mcp that did not record whether it ran against Replicate or the simulator, " +
        "and resuming it against the wrong one could pay for predictions twice. Start it again; predictions it had created can be looked up with replicate_get_prediction.";

    private readonly CancellationTokenSource _stopping = new();

    // The unfinished jobs on disk as last read, by id. A sweep reads a job file again only when it was replaced (an
    // owner's death changes no file: its lock tells), so a sweep costs a directory listing, not a read of every job.
    private readonly Dictionary<string, Job> _unfinishedOnDisk = new(StringComparer.Ordinal);
    private readonly string _backend = JobBackend.Of(replicateOptions.Value);
    private Task _sweeping = Task.CompletedTask;
    private PeriodicTimer? _timer;

    /// <summary>
    /// Returns at once: the state folder is loaded in the background (<see cref="JobStateLoad"/>) at the first tool call
    /// or <see cref="JobStoreOptions.LoadGrace"/> after start, whichever comes first, then swept.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.AdoptOrphans || ownership.StateDirectory is null)
        {
            load.MarkLoaded();
            return Task.CompletedTask;
        }
        // Made here, not in the background, so its first tick counts from start.
        var timer = _timer = new PeriodicTimer(options.Value.OrphanSweepInterval, time);
        var stopping = _stopping.Token;
        _sweeping = Task.Run(async () =>
        {
            try
            {
                await Task.WhenAny(load.Needed, Task.Delay(options.Value.LoadGrace, time, stopping));
                if (!stopping.IsCancellationRequested) await LoadAsync(stopping); // a server quitting adopts nothing
            }
            finally
            {
                load.MarkLoaded();
            }
            await SweepForeverAsync(timer, stopping);
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Restores the finished jobs on disk, deletes the expired and adopts the orphans; never throws.</summary>
    private async Task LoadAsync(CancellationToken stopping)
    {
        try
        {
            var loaded = persistence.LoadAll();
            var finished = 0;
            foreach (var job in loaded.Where(j => j.IsFinished))
            {
                if (job.ExpiresAt is { } expires && expires <= time.GetUtcNow())
                {
                    await persistence.DeleteAsync(job.Id, stopping);
                    Claims.Forget(job.Id);
                    continue;
                }
                store.Restore(job);
                finished++;
            }
            Remember(loaded);
            var adopted = await AdoptOrphansAsync(loaded, stopping);
            if (finished + adopted > 0) LogRecovered(finished, adopted);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            LogSweepFailed(ex); // a server that cannot adopt now still serves; the sweep tries again in a moment
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Flushes and releases the owner lock whatever happened before: the next server adopts from what is on disk.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stopping.CancelAsync();
            await _sweeping;
            await persistence.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStopFault(ex);
            await persistence.FlushAsync(cancellationToken);
        }
        finally
        {
            ownership.Release();
        }
    }

    private JobClaims Claims => new(ownership.StateDirectory!, ownership.OwnerId);

    private async Task SweepForeverAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await SweepAsync(stopping);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogSweepFailed(ex); // whatever it was, the next tick tries again: adoption must never stop for good
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One sweep: re-reads only the job files replaced since the last look, drops the claims of jobs that are gone,
    /// and adopts the unfinished jobs whose owner lock is free.
    /// </summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var listedClaims = Claims.List(); // before the job files: see JobClaims.ForgetGone
        var changes = persistence.LoadChanged();
        JobClaims.ForgetGone(listedClaims, changes.Present);
        foreach (var gone in _unfinishedOnDisk.Keys.Where(id => !changes.Present.Contains(id)).ToList())
            _unfinishedOnDisk.Remove(gone);
        Remember(changes.Changed);
        await AdoptOrphansAsync([.. _unfinishedOnDisk.Values], cancellationToken);
    }

    private void Remember(IEnumerable<Job> read)
    {
        foreach (var job in read) Remember(job.Id, job);
    }

    private void Remember(string jobId, Job? read)
    {
        if (read is { IsFinished: false }) _unfinishedOnDisk[jobId] = read;
        else _unfinishedOnDisk.Remove(jobId);
    }

    /// <summary>Adopts the orphans among <paramref name="onDisk"/> this process wins the claim for; returns how many.</summary>
    internal async Task<int> AdoptOrphansAsync(IReadOnlyList<Job> onDisk, CancellationToken cancellationToken)
    {
        var candidates = onDisk
            .Where(j => !j.IsFinished && (j.Backend is null || j.Backend == _backend))
            .Where(j => j.OwnerId is not null || j.Owner?.IsAlive() != true) // format 1: an older server that still runs keeps its job
            .Where(j => j.OwnerId is null || j.OwnerId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) // a hand-edited id names no lock
            .ToDictionary(j => j.Id, StringComparer.Ordinal);
        var claims = Claims;
        var adopted = 0;
        foreach (var orphan in claims.FindOrphans(candidates.Values.Select(j => new OwnedJob(j.Id, j.OwnerId))))
        {
            if (!claims.TryClaim(orphan))
            {
                Remember(orphan.JobId, persistence.TryLoad(orphan.JobId)); // another server adopts it: see it as it is now
                continue;
            }
            // The file as it is now: the claim is against the owner we saw, so nobody else has written since.
            var latest = persistence.TryLoad(orphan.JobId);
            Remember(orphan.JobId, latest);
            if (latest is not { IsFinished: false } || latest.OwnerId != orphan.OwnerId) continue;
            var mine = latest with { OwnerId = ownership.OwnerId, Owner = null, Revision = latest.Revision + 1 };
            if (mine.Backend is null)
            {
                mine = mine.FailedRemaining(time.GetUtcNow(), NoBackendRecorded) with { Backend = _backend };
                await persistence.SaveAsync(mine, durable: true, cancellationToken);
                store.Restore(mine);
                Remember(mine.Id, mine);
                LogEndedWithoutBackend(mine.Id);
                continue;
            }
            // Recorded as ours before it runs: if this save fails (a full disk), our claim stays and the next sweep tries again.
            try
            {
                await persistence.SaveAsync(mine, durable: true, cancellationToken);
            }
            catch (StateWriteException ex)
            {
                LogAdoptionNotSaved(ex, mine.Id);
                continue;
            }
            store.Restore(mine);
            Remember(mine.Id, mine);
            registry.Start(mine);
            LogAdopted(mine.Id, orphan.OwnerId ?? "none");
            adopted++;
        }
        return adopted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Finished} finished and adopted {Resumed} unfinished jobs from the state directory")]
    private partial void LogRecovered(int finished, int resumed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted job {JobId}: its owner {DeadOwner} is gone")]
    private partial void LogAdopted(string jobId, string deadOwner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was saved without its backend by an older version; ended instead of resumed")]
    private partial void LogEndedWithoutBackend(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for orphaned jobs failed")]
    private partial void LogSweepFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} not adopted yet: recording this server as its owner failed; the next sweep tries again")]
    private partial void LogAdoptionNotSaved(Exception ex, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping the orphan sweep failed; the state is flushed all the same")]
    private partial void LogStopFault(Exception ex);

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
    }
}
