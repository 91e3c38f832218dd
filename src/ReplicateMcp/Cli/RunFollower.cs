using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Cli;

/// <summary>Follows a job to its end, reporting each change; on Ctrl+C cancels it and waits until its run has stopped.</summary>
internal sealed class RunFollower(IJobStore store, JobRegistry registry, TimeProvider time)
{
    /// <summary>How often the view is refreshed without a change (elapsed times tick).</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a cancel may take to reach Replicate before we stop waiting.</summary>
    public static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(30);

    public async Task<Job> FollowAsync(Job job, IRunProgressView view, ConsoleInterrupt interrupt)
    {
        var stopped = registry.WhenStoppedAsync(job.Id);
        Task? cancelDeadline = null;
        while (true)
        {
            if (interrupt.IsRequested && cancelDeadline is null && !job.IsFinished)
            {
                cancelDeadline = Task.Delay(CancelWait, time);
                view.Report(job, "Cancelling the job on Replicate… (Ctrl+C again quits without waiting)");
                job = await registry.CancelAsync(job.Id, CancellationToken.None) ?? job;
            }

            var changed = store.WaitForChangeAsync(job.Id, CancellationToken.None); // subscribe before reading: no change is missed
            job = store.Get(job.Id) ?? job;
            view.Report(job);
            if (stopped.IsCompleted && job.IsFinished) return job;
            if (cancelDeadline is { IsCompleted: true })
            {
                view.Report(job, "Stopped waiting: some predictions may still be cancelling on Replicate.");
                return job;
            }

            var waits = new List<Task> { changed, stopped, Task.Delay(Tick, time) };
            if (cancelDeadline is null) waits.Add(interrupt.WhenRequested);
            else waits.Add(cancelDeadline);
            await Task.WhenAny(waits);
        }
    }
}
