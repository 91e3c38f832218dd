using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Messages;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Jobs.Service;

/// <summary>
/// Finds a job by id for the status and cancel paths. A job another server process owns (contract §6: two servers
/// may share a state directory) is read from its state file; only the owner may change a job.
/// </summary>
internal sealed class JobFinder(IJobStore store, IJobPersistence persistence, ProcessOwnership ownership, TimeProvider time)
{
    /// <summary>The job to show: this process's, or another's saved snapshot with a note; <paramref name="idName"/> names the argument in the refusal.</summary>
    public Job Find(string? id, string idName, JobKind kind)
    {
        if (id is not null && JobIds.IsValid(id))
        {
            if (store.Get(id) is { } job && job.Kind == kind) return job;
            if (ReadForeign(id) is { } foreign && foreign.Kind == kind) return foreign;
        }
        var startTool = kind == JobKind.Batch ? "replicate_batch_start" : "replicate_pipeline_start";
        throw new JobLookupException(
            $"{idName}: no {Noun(kind)} with id {DisplayText.Quote(id)}. Ids come from {startTool}; " +
            "results are kept ttl_hours (default 1) after the job finished, then they expire. replicate_list_jobs shows the jobs still kept.");
    }

    /// <summary>Like <see cref="Find"/>, for changing the job: only its owner may.</summary>
    public Job FindOwn(string? id, string idName, JobKind kind)
    {
        var job = Find(id, idName, kind);
        if (store.Get(job.Id) is null)
            throw new JobLookupException(
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
        return job with { Note = job.Note is { Length: > 0 } own ? $"{note} {own}" : note };
    }
}
