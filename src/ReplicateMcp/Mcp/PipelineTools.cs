using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Previews;
using ReplicateMcp.Status;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Mcp;

/// <summary>Start, follow and cancel pipelines.</summary>
internal sealed class PipelineTools(JobService jobs, JobStatusWaiter waiter, PreviewBlocks previews, ClientRootsReader roots)
{
    public async Task<CallToolResult> StartAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var read = JobSpecReader.ReadPipeline(request.Params?.Arguments);
        var spec = read with { ClientRoots = await roots.ReadAsync(request.Server, cancellationToken) };
        StartOutcome started;
        try { started = await jobs.StartAsync(spec, cancellationToken); }
        catch (JobStartException ex) { throw new McpException(JobService.RefusalText(ex)); }
        return ToolResults.Structured(new PipelineStartView(started.Job.Id, started.Job.Items.Length, JobViews.Status(started.Job), started.Message), started.Message);
    }

    public async Task<CallToolResult> StatusAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.PipelineStatus.Read(request.Params?.Arguments);
        var id = args.Read(ToolInputs.PipelineId);
        var include = args.Read(ToolInputs.IncludeOutputs);
        var wait = args.Read(ToolInputs.PipelineWait);
        var preview = args.Read(ToolInputs.Preview);
        args.ThrowIfInvalid();
        var job = await waiter.WaitAsync(waiter.Find(id, "pipeline_id", JobKind.Pipeline), wait, request, cancellationToken);
        var result = ToolResults.Structured(JobViews.Pipeline(job), StatusSummary.Of(job, include), include ? [] : ["result", "input"]);
        return preview ? await previews.AddAsync(result, OutputPreview.Of(job), PreviewBlocks.NotDownloadedHint(job), cancellationToken) : result;
    }

    public async Task<CallToolResult> CancelAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.PipelineCancel.Read(request.Params?.Arguments);
        var id = args.Read(ToolInputs.PipelineId);
        args.ThrowIfInvalid();
        var job = await jobs.CancelAsync(waiter.FindOwn(id, "pipeline_id", JobKind.Pipeline), cancellationToken);
        return ToolResults.Structured(JobViews.Pipeline(job), StatusSummary.Of(job, includeResults: true));
    }
}
