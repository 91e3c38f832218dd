using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Status;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Mcp;

/// <summary>
/// The MCP side of <see cref="JobFinder"/> and <see cref="JobWaiter"/>: a lookup refusal becomes an isError result,
/// and progress while waiting becomes MCP progress notifications (one each time another item finishes).
/// </summary>
internal sealed class JobStatusWaiter(JobFinder finder, JobWaiter waiter)
{
    public Job Find(string? id, string idName, JobKind kind)
    {
        try { return finder.Find(id, idName, kind); }
        catch (JobLookupException ex) { throw new McpException(ex.Message); }
    }

    /// <summary>Like <see cref="Find"/>, for changing the job: only its owner may.</summary>
    public Job FindOwn(string? id, string idName, JobKind kind)
    {
        try { return finder.FindOwn(id, idName, kind); }
        catch (JobLookupException ex) { throw new McpException(ex.Message); }
    }

    /// <summary>Returns when the job is finished or <paramref name="waitSeconds"/> passed, reporting progress as items finish.</summary>
    public Task<Job> WaitAsync(Job job, int waitSeconds, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        if (request.Params?.ProgressToken is not { } token) return waiter.WaitAsync(job, TimeSpan.FromSeconds(waitSeconds), onSnapshot: null, cancellationToken);
        var reported = -1;
        return waiter.WaitAsync(job, TimeSpan.FromSeconds(waitSeconds), async (current, ct) =>
        {
            var finished = current.Items.Count(i => i.Status.IsTerminal());
            if (finished == reported) return;
            reported = finished;
            await request.Server.NotifyProgressAsync(token, new ProgressNotificationValue
            {
                Progress = finished,
                Total = current.Items.Length,
                Message = JobViews.Headline(current),
            }, cancellationToken: ct);
        }, cancellationToken);
    }
}
