using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Cli;

/// <summary>Follows a job to its end, reporting each change; on Ctrl+C cancels it and waits until its run has stopped.</summary>
internal sealed class RunFollower(IJobStore store, JobRegistry registry, JobWaiter waiter, TimeProvider time)
{
    /// <summary>How often the view is refreshed without a change (elapsed times tick).</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a cancel may take to reach Replicate before we stop waiting.</summary>
    public static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(30);

    public async Task<Job> FollowAsync(Job job, IRunProgressView view, ConsoleInterrupt interrupt)
    {
        var stopped = registry.WhenStoppedAsync(job.Id);
        try
        {
            return await FollowUntilStoppedAsync(job, view, stopped, interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.IsRequested)
        {
            job = store.Get(job.Id) ?? job;
        }
        if (job.IsFinished) return await FollowUntilStoppedAsync(job, view, stopped, CancellationToken.None); // nothing left to cancel

        view.Report(job, "Cancelling the job on Replicate… (Ctrl+C again quits without waiting)");
        job = await registry.CancelAsync(job.Id, CancellationToken.None) ?? job;
        using var deadline = new CancellationTokenSource(CancelWait, time);
        try
        {
            return await FollowUntilStoppedAsync(job, view, stopped, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            job = store.Get(job.Id) ?? job;
            view.Report(job, "Stopped waiting: some predictions may still be cancelling on Replicate.");
            return job;
        }
    }

    /// <summary>Reports each change (and every <see cref="Tick"/>) until the job is finished and its run has stopped.</summary>
    private async Task<Job> FollowUntilStoppedAsync(Job job, IRunProgressView view, Task stopped, CancellationToken cancellationToken)
    {
        while (true)
        {
            job = await waiter.WaitAsync(job, Tick, (current, _) =>
            {
                view.Report(current);
                return ValueTask.CompletedTask;
            }, cancellationToken);
            if (!job.IsFinished && store.Get(job.Id) is not null) continue;
            // Finished (or expired): the run still saves its last state; wait for it to stop.
            job = store.Get(job.Id) ?? job;
            view.Report(job);
            if (stopped.IsCompleted) return job;
            await Task.WhenAny(stopped, Task.Delay(Tick, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
