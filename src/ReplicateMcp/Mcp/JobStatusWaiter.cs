using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Mcp;

/// <summary>Looks a job up for a status or cancel tool, and waits for it when <c>wait_seconds</c> asks.</summary>
internal sealed class JobStatusWaiter(IJobStore store, TimeProvider time)
{
    public Job Find(string? id, string idName, JobKind kind)
    {
        if (id is not null && JobIds.IsValid(id) && store.Get(id) is { } job && job.Kind == kind) return job;
        var startTool = kind == JobKind.Batch ? "replicate_batch_start" : "replicate_pipeline_start";
        throw new McpException(
            $"{idName}: no {(kind == JobKind.Batch ? "batch" : "pipeline")} with id {Templates.DisplayText.Quote(id)}. Ids come from {startTool}; " +
            "results are kept ttl_hours (default 1) after the job finished, then they expire. replicate_list_jobs shows the jobs still kept.");
    }

    /// <summary>The latest snapshot of <paramref name="job"/>.</summary>
    public Job Current(Job job) => store.Get(job.Id) ?? job;

    /// <summary>Returns when the job is finished or <paramref name="waitSeconds"/> passed, reporting progress as items finish.</summary>
    public async Task<Job> WaitAsync(Job job, int waitSeconds, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        if (waitSeconds <= 0 || job.IsFinished) return job;
        var token = request.Params?.ProgressToken;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(waitSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var reported = -1;
        while (true)
        {
            var changed = store.WaitForChangeAsync(job.Id, linked.Token); // subscribe before reading, so no change is missed
            if (store.Get(job.Id) is not { } current) return job; // expired meanwhile
            job = current;
            var finished = job.Items.Count(i => i.Status.IsTerminal());
            if (token is { } t && finished != reported)
            {
                reported = finished;
                await request.Server.NotifyProgressAsync(t, new ProgressNotificationValue
                {
                    Progress = finished,
                    Total = job.Items.Length,
                    Message = JobViews.Headline(job),
                }, cancellationToken: cancellationToken);
            }
            if (job.IsFinished) return job;
            try
            {
                await changed;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return store.Get(job.Id) ?? job;
            }
        }
    }
}
