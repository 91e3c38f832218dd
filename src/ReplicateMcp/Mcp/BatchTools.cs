using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Status;

namespace ReplicateMcp.Mcp;

/// <summary>Start, follow and cancel batches.</summary>
internal sealed class BatchTools(JobStarter starter, JobExecutor executor, JobStatusWaiter waiter)
{
    public async Task<CallToolResult> StartAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var spec = JobSpecReader.ReadBatch(request.Params?.Arguments);
        StartOutcome started;
        try { started = await starter.StartAsync(spec, cancellationToken); }
        catch (JobStartException ex) { throw StartRefused(ex); }
        return ToolResults.Structured(new BatchStartView(started.Job.Id, started.Job.Items.Length, JobViews.Status(started.Job), started.Message), started.Message);
    }

    public async Task<CallToolResult> StatusAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.BatchStatus.Read(request.Params?.Arguments);
        var id = args.Read(ToolInputs.JobId);
        var include = args.Read(ToolInputs.IncludeResults);
        var wait = args.Read(ToolInputs.BatchWait);
        _ = args.Read(ToolInputs.Preview); // accepted, no contact sheet yet (issue 14)
        args.ThrowIfInvalid();
        var job = await waiter.WaitAsync(waiter.Find(id, "job_id", JobKind.Batch), wait, request, cancellationToken);
        return ToolResults.Structured(JobViews.Batch(job), StatusSummary.Of(job, include), include ? [] : ["result"]);
    }

    public async Task<CallToolResult> CancelAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.BatchCancel.Read(request.Params?.Arguments);
        var id = args.Read(ToolInputs.JobId);
        args.ThrowIfInvalid();
        var job = await CancelJobAsync(executor, waiter, waiter.FindOwn(id, "job_id", JobKind.Batch), cancellationToken);
        return ToolResults.Structured(JobViews.Batch(job), StatusSummary.Of(job, includeResults: true));
    }

    /// <summary>Cancels and gives in-flight cancels a moment to reach Replicate, so the answer shows them.</summary>
    internal static async Task<Job> CancelJobAsync(JobExecutor executor, JobStatusWaiter waiter, Job job, CancellationToken cancellationToken)
    {
        var canceled = await executor.CancelAsync(job.Id, cancellationToken) ?? job;
        await Task.WhenAny(executor.WhenStoppedAsync(job.Id), Task.Delay(TimeSpan.FromSeconds(3), cancellationToken));
        return waiter.Current(canceled);
    }

    internal static McpException StartRefused(JobStartException ex) =>
        new(ex.Problems.Count == 1
            ? $"Nothing was started: {ex.Problems[0]}"
            : $"Nothing was started; {ex.Problems.Count} problems:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", ex.Problems));
}
