using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Mcp;

/// <summary>Start, follow and cancel pipelines.</summary>
[McpServerToolType]
internal sealed class PipelineTools(JobService jobs, JobStatusWaiter waiter)
{
    [McpServerTool(Name = "replicate_pipeline_start", Title = "Start a pipeline (DAG) of Replicate predictions", Destructive = false, Idempotent = false, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(PipelineStartView))]
    [Description(ToolDescriptions.PipelineStart)]
    public async Task<CallToolResult> StartAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var spec = JobSpecReader.ReadPipeline(request.Params?.Arguments);
        StartOutcome started;
        try { started = await jobs.StartAsync(spec, cancellationToken); }
        catch (JobStartException ex) { throw new McpException(JobService.RefusalText(ex)); }
        return ToolResults.Structured(new PipelineStartView(started.Job.Id, started.Job.Items.Length, JobViews.Status(started.Job), started.Message), started.Message);
    }

    [McpServerTool(Name = "replicate_pipeline_status", Title = "Pipeline progress and outputs", ReadOnly = true, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(PipelineStatusView))]
    [Description(ToolDescriptions.PipelineStatus)]
    public async Task<CallToolResult> StatusAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(request.Params?.Arguments, "pipeline_id", "include_outputs", "wait_seconds");
        var id = args.RequiredString("pipeline_id", 100, "the pipeline_id returned by replicate_pipeline_start");
        var include = args.Bool("include_outputs", true);
        var wait = args.Int("wait_seconds", 0, 50, 0);
        args.ThrowIfInvalid();
        var job = await waiter.WaitAsync(waiter.Find(id, "pipeline_id", JobKind.Pipeline), wait, request, cancellationToken);
        return ToolResults.Structured(JobViews.Pipeline(job), JobViews.Headline(job), include ? [] : ["result", "input"]);
    }

    [McpServerTool(Name = "replicate_pipeline_cancel", Title = "Cancel a pipeline", Destructive = true, Idempotent = true, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(PipelineStatusView))]
    [Description(ToolDescriptions.PipelineCancel)]
    public async Task<CallToolResult> CancelAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(request.Params?.Arguments, "pipeline_id");
        var id = args.RequiredString("pipeline_id", 100, "the pipeline_id returned by replicate_pipeline_start");
        args.ThrowIfInvalid();
        var job = await jobs.CancelAsync(waiter.FindOwn(id, "pipeline_id", JobKind.Pipeline), cancellationToken);
        return ToolResults.Structured(JobViews.Pipeline(job), JobViews.Headline(job));
    }
}
