using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Execution;

namespace ReplicateMcp.Mcp;

/// <summary>Start, follow and cancel batches.</summary>
[McpServerToolType]
internal sealed class BatchTools(JobStarter starter, JobRegistry registry, JobStatusWaiter waiter)
{
    [McpServerTool(Name = "replicate_batch_start", Title = "Start a batch of Replicate predictions", Destructive = false, Idempotent = false, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(BatchStartView))]
    [Description(ToolDescriptions.BatchStart)]
    public async Task<CallToolResult> StartAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var spec = JobSpecReader.ReadBatch(request.Params?.Arguments);
        StartOutcome started;
        try { started = await starter.StartAsync(spec, cancellationToken); }
        catch (JobStartException ex) { throw StartRefused(ex); }
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
        var job = await CancelJobAsync(registry, waiter, waiter.FindOwn(id, "job_id", JobKind.Batch), cancellationToken);
        return ToolResults.Structured(JobViews.Batch(job), JobViews.Headline(job));
    }

    /// <summary>Cancels and gives in-flight cancels a moment to reach Replicate, so the answer shows them.</summary>
    internal static async Task<Job> CancelJobAsync(JobRegistry registry, JobStatusWaiter waiter, Job job, CancellationToken cancellationToken)
    {
        var canceled = await registry.CancelAsync(job.Id, cancellationToken) ?? job;
        await Task.WhenAny(registry.WhenStoppedAsync(job.Id), Task.Delay(TimeSpan.FromSeconds(3), cancellationToken));
        return waiter.Current(canceled);
    }

    internal static McpException StartRefused(JobStartException ex) =>
        new(ex.Problems.Count == 1
            ? $"Nothing was started: {ex.Problems[0]}"
            : $"Nothing was started; {ex.Problems.Count} problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", ex.Problems));
}
