using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Service;
using ReplicateMcp.Previews;
using ReplicateMcp.Status;

namespace ReplicateMcp.Mcp;

/// <summary>Start, follow, cancel and retry batches and pipelines: one adapter, told the kind by <see cref="JobToolKind"/>.</summary>
internal sealed class JobKindTools(JobService jobs, JobRetrier retrier, JobStatusWaiter waiter, PreviewBlocks previews, ClientRootsReader roots)
{
    public async Task<CallToolResult> StartAsync(JobToolKind kind, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var read = kind.ReadSpec(request.Params?.Arguments);
        var spec = read with { ClientRoots = await roots.ReadAsync(request.Server, cancellationToken) };
        StartOutcome started;
        try { started = await jobs.StartAsync(spec, cancellationToken); }
        catch (JobStartException ex) { throw new McpException(JobService.RefusalText(ex)); }
        return kind.StartAnswer(started.Job, started.Message);
    }

    public async Task<CallToolResult> StatusAsync(JobToolKind kind, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = kind.StatusInputs.Read(request.Params?.Arguments);
        var id = args.Read(kind.Id);
        var include = args.Read(kind.IncludeResults);
        var wait = args.Read(kind.Wait);
        var preview = args.Read(ToolInputs.Preview);
        args.ThrowIfInvalid();
        var job = await waiter.WaitAsync(waiter.Find(id, kind.IdName, kind.Kind), wait, request, cancellationToken);
        var result = kind.StatusAnswer(job, StatusSummary.Of(job, include), include);
        return preview ? await previews.AddAsync(result, OutputPreview.Of(job), PreviewBlocks.NotDownloadedHint(job), cancellationToken) : result;
    }

    public async Task<CallToolResult> CancelAsync(JobToolKind kind, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = kind.CancelInputs.Read(request.Params?.Arguments);
        var id = args.Read(kind.Id);
        args.ThrowIfInvalid();
        var job = await jobs.CancelAsync(waiter.FindOwn(id, kind.IdName, kind.Kind), cancellationToken);
        return kind.StatusAnswer(job, StatusSummary.Of(job, includeResults: true), true);
    }

    /// <summary>Runs what did not succeed again in the same job and answers at once, like a start (CONTRACT §10).</summary>
    public async Task<CallToolResult> RetryAsync(JobToolKind kind, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = kind.RetryInputs.Read(request.Params?.Arguments);
        var id = args.Read(kind.Id);
        var named = kind.ReadRetrySelection(args);
        args.ThrowIfInvalid();
        StartOutcome retried;
        try { retried = await retrier.RetryAsync(kind.Kind, id, kind.IdName, named, cancellationToken); }
        catch (JobStartException ex) { throw new McpException(JobRetrier.RefusalText(ex)); }
        catch (JobLookupException ex) { throw new McpException(ex.Message); }
        return kind.StartAnswer(retried.Job, retried.Message);
    }
}
