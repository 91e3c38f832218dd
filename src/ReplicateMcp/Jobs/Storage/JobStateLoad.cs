namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// Completes once the jobs kept in the state folder are loaded. The load runs after start, so a client's
/// <c>initialize</c> is answered at once however much history is kept (issue 20); what needs every job (the list,
/// a keyed start, a status of a job not yet read) waits for it.
/// </summary>
internal sealed class JobStateLoad
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobStateLoad(Microsoft.Extensions.Options.IOptions<JobStoreOptions> options)
    {
        // Memory only, or `run` (which loads nothing): nothing to wait for.
        if (string.IsNullOrWhiteSpace(options.Value.StateDirectory) || !options.Value.AdoptOrphans) MarkLoaded();
    }

    private readonly TaskCompletionSource _begin = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Loaded => _loaded.Task;

    /// <summary>Completes when something needs the jobs now (the first tool call); until then the load waits a moment.</summary>
    public Task Needed => _begin.Task;

    public void NeedNow() => _begin.TrySetResult();

    public void MarkLoaded() => _loaded.TrySetResult();
}
