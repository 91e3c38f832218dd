using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Status;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Mcp;

/// <summary>
/// Looks a job up for a status or cancel tool, and waits for it when <c>wait_seconds</c> asks. A job another
/// server process owns (contract §6: two servers may share a state directory) is read from its state file.
/// </summary>
internal sealed class JobStatusWaiter(IJobStore store, IJobPersistence persistence, ProcessOwnership ownership, TimeProvider time)
{
    public Job Find(string? id, string idName, JobKind kind)
    {
        if (id is not null && JobIds.IsValid(id))
        {
            if (store.Get(id) is { } job && job.Kind == kind) return job;
            if (ReadForeign(id) is { } foreign && foreign.Kind == kind) return foreign;
        }
        var startTool = kind == JobKind.Batch ? "replicate_batch_start" : "replicate_pipeline_start";
        throw new McpException(
            $"{idName}: no {Noun(kind)} with id {Templates.DisplayText.Quote(id)}. Ids come from {startTool}; " +
            "results are kept ttl_hours (default 1) after the job finished, then they expire. replicate_list_jobs shows the jobs still kept.");
    }

    /// <summary>Like <see cref="Find"/>, for changing the job: only its owner may.</summary>
    public Job FindOwn(string? id, string idName, JobKind kind)
    {
        var job = Find(id, idName, kind);
        if (store.Get(job.Id) is null)
            throw new McpException(
                $"{idName}: {Noun(kind)} {job.Id} belongs to another replicate-mcp process (pid {ProcessOwnership.ProcessIdOf(job)}) that shares this state directory, " +
                "and only that process can cancel it: use the client connected to it. If that process has stopped, a replicate-mcp server running on this state directory adopts the job within seconds.");
        return job;
    }

    private static string Noun(JobKind kind) => kind == JobKind.Batch ? "batch" : "pipeline";

    /// <summary>The saved snapshot of a job another process owns, with a note saying so; null if there is none.</summary>
    private Job? ReadForeign(string id)
    {
        if (persistence.TryLoad(id) is not { } job || job.OwnerId == ownership.OwnerId) return null;
        if (job.ExpiresAt is { } expires && expires <= time.GetUtcNow()) return null;
        var pid = ProcessOwnership.ProcessIdOf(job);
        var note = ownership.OwnerIsAlive(job)
            ? $"Read from the shared state directory: replicate-mcp process {pid} runs this job, and this is its latest saved state (wait_seconds does not apply; call again for news)."
            : $"Read from the shared state directory: the process that ran this job ({pid}) has stopped; a replicate-mcp server running on this state directory against the same backend adopts it within seconds.";
        return job with { Note = note };
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
