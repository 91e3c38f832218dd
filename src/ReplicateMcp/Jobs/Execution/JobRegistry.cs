using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs.Execution;

/// <summary>
/// The jobs running in this process: starts each one's <see cref="JobScheduler"/> in the background, cancels
/// them on request, and — as a hosted service — awaits them at stop, so their last state is saved before the
/// state is flushed (register it after <c>JobRecoveryService</c>: hosted services stop in reverse order).
/// </summary>
internal sealed class JobRegistry(IJobStore store, JobScheduler scheduler, TimeProvider time, IHostApplicationLifetime lifetime) : IHostedService
{
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);

    // Decides, together with a run's end, whether a retry joins that run or starts a new one (see Start).
    private readonly Lock _runs = new();

    private sealed class RunningJob(CancellationTokenSource cancel)
    {
        public CancellationTokenSource Cancel { get; set; } = cancel;
        public Task Completion { get; set; } = Task.CompletedTask;
    }

    /// <summary>
    /// Starts (or resumes) a stored job in the background and returns at once. A job already running here is not
    /// started twice: its run goes round again while the store shows queued items (a retry of items that ended).
    /// </summary>
    public void Start(Job job)
    {
        lock (_runs)
        {
            if (_running.ContainsKey(job.Id)) return;
            // The tool call's token ends when the call returns; the job must outlive it. Disposed when the run ends (below).
#pragma warning disable CA2000
            var run = new RunningJob(new CancellationTokenSource());
#pragma warning restore CA2000
            run.Completion = Task.Run(() => RunRoundsAsync(job, run), CancellationToken.None); // its end takes the lock: registered before removed
            _running[job.Id] = run;
        }
    }

    private async Task RunRoundsAsync(Job job, RunningJob run)
    {
        var stopping = lifetime.ApplicationStopping;
        while (true)
        {
            try
            {
                await scheduler.RunAsync(job, run.Cancel.Token, stopping);
            }
            catch
            {
                // RunAsync records its own failures; should one escape anyway, the job is not left registered as running.
                lock (_runs) _running.TryRemove(job.Id, out _);
                run.Cancel.Dispose();
                throw;
            }
            lock (_runs)
            {
                var latest = store.Get(job.Id);
                // Queued items after a round were queued by a retry meanwhile; a round that changed nothing never loops.
                var requeued = latest is not null && !ReferenceEquals(latest, job) && !latest.CanceledByUser
                    && !stopping.IsCancellationRequested && latest.Items.Any(i => i.Status == ItemStatus.Queued);
                if (!requeued)
                {
                    _running.TryRemove(job.Id, out _);
                    run.Cancel.Dispose();
                    return;
                }
                if (run.Cancel.IsCancellationRequested)
                {
                    // A cancel ended the last round and a retry came after it: the next round gets a fresh token.
                    run.Cancel.Dispose();
                    run.Cancel = new CancellationTokenSource();
                }
                job = latest!;
            }
        }
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
        var job = await store.UpdateAsync(jobId, j => j.CanceledByUserAt(now), durable: true, cancellationToken);
        CancellationTokenSource? cancel;
        lock (_runs) cancel = _running.TryGetValue(jobId, out var run) ? run.Cancel : null;
        try
        {
            if (cancel is not null) await cancel.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile: there is nothing left to cancel.
        }
        return job;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The host signalled <see cref="IHostApplicationLifetime.ApplicationStopping"/> before this runs: every scheduler
    /// is winding down, leaving created predictions running for the next process to re-attach. Wait for them.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var runs = _running.Values.Select(r => r.Completion).ToArray();
        try
        {
            await Task.WhenAll(runs).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout won: the state flushed next is the last one saved.
        }
    }
}
