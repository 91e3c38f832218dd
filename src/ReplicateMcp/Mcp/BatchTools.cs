using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Mcp;

/// <summary>Start, follow and cancel batches.</summary>
[McpServerToolType]
internal sealed class BatchTools(JobService jobs, JobStatusWaiter waiter)
{
    [McpServerTool(Name = "replicate_batch_start", Title = "Start a batch of Replicate predictions", Destructive = false, Idempotent = false, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(BatchStartView))]
    [Description(ToolDescriptions.BatchStart)]
    public async Task<CallToolResult> StartAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var spec = JobSpecReader.ReadBatch(request.Params?.Arguments);
        StartOutcome started;
        try { started = await jobs.StartAsync(spec, cancellationToken); }
        catch (JobStartException ex) { throw new McpException(JobService.RefusalText(ex)); }
        return ToolResults.Structured(new BatchStartView(started.Job.Id, started.Job.Items.Length, JobViews.Status(started.Job), started.Message), started.Message);
    }

    [McpServerTool(Name = "replicate_batch_status", Title = "Batch progress and results", ReadOnly = true, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(BatchStatusView))]
    [Description(ToolDescriptions.BatchStatus)]
    public async Task<CallToolResult> StatusAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(request.Params?.Arguments, "job_id", "include_results", "wait_seconds");
        var id = args.RequiredString("job_id", 100, "the job_id returned by replicate_batch_start");
        var include = args.Bool("include_results", true);
        var wait = args.Int("wait_seconds", 0, 50, 0);
        args.ThrowIfInvalid();
        var job = await waiter.WaitAsync(waiter.Find(id, "job_id", JobKind.Batch), wait, request, cancellationToken);
        return ToolResults.Structured(JobViews.Batch(job), JobViews.Headline(job), include ? [] : ["result"]);
    }

    [McpServerTool(Name = "replicate_batch_cancel", Title = "Cancel a batch", Destructive = true, Idempotent = true, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(BatchStatusView))]
    [Description(ToolDescriptions.BatchCancel)]
    public async Task<CallToolResult> CancelAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(request.Params?.Arguments, "job_id");
        var id = args.RequiredString("job_id", 100, "the job_id returned by replicate_batch_start");
        args.ThrowIfInvalid();
        var job = await jobs.CancelAsync(waiter.FindOwn(id, "job_id", JobKind.Batch), cancellationToken);
        return ToolResults.Structured(JobViews.Batch(job), JobViews.Headline(job));
    }
}
