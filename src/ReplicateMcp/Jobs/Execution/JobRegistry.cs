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

    private sealed record RunningJob(CancellationTokenSource Cancel, Task Completion);

    /// <summary>Starts (or resumes) a stored job in the background and returns at once.</summary>
    public void Start(Job job)
    {
        // The tool call's token ends when the call returns; the job must outlive it. Never disposed: a cancel may reach
        // it after the run has ended, and a source without a timer holds nothing the collector does not free.
#pragma warning disable CA2000
        var cts = new CancellationTokenSource();
#pragma warning restore CA2000
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = Task.Run(async () =>
        {
            await registered.Task;
            try
            {
                await scheduler.RunAsync(job, cts.Token, lifetime.ApplicationStopping);
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
            }
        }, CancellationToken.None);
        _running[job.Id] = new RunningJob(cts, completion);
        registered.SetResult();
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
        if (_running.TryGetValue(jobId, out var run)) await run.Cancel.CancelAsync();
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
