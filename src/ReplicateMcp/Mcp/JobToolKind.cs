using System.Text.Json;
using ModelContextProtocol.Protocol;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Status;

namespace ReplicateMcp.Mcp;

/// <summary>
/// What tells the batch tools from the pipeline tools: argument names and sets, how a start is read, and the shapes
/// of the answers. <see cref="JobKindTools"/> does the rest once for both.
/// </summary>
internal sealed record JobToolKind(
    JobKind Kind,
    StringArgument Id,
    BoolArgument IncludeResults,
    IntArgument Wait,
    ArgumentSet StatusInputs,
    ArgumentSet CancelInputs,
    ArgumentSet RetryInputs,
    Func<IDictionary<string, JsonElement>?, JobSpec> ReadSpec,
    Func<ToolArguments, IReadOnlyList<string>?> ReadRetrySelection,
    Func<Job, string, CallToolResult> StartAnswer,
    Func<Job, string, bool, CallToolResult> StatusAnswer)
{
    public string IdName => Id.Name;

    public static readonly JobToolKind Batch = new(
        JobKind.Batch, ToolInputs.JobId, ToolInputs.IncludeResults, ToolInputs.BatchWait,
        ToolInputs.BatchStatus, ToolInputs.BatchCancel, ToolInputs.BatchRetry,
        JobSpecReader.ReadBatch,
        args => args.Read(ToolInputs.RetryItems) is { } given
            ? [.. given.Select((e, n) => args.ReadInt($"items[{n}]", e, 0, ToolInputs.RetryIndex.Max)).OfType<int>().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]
            : null,
        (job, message) => ToolResults.Structured(new BatchStartView(job.Id, job.Items.Length, JobViews.Status(job), message), message),
        (job, summary, include) => ToolResults.Structured(JobViews.Batch(job), summary, include ? [] : ["result"]));

    public static readonly JobToolKind Pipeline = new(
        JobKind.Pipeline, ToolInputs.PipelineId, ToolInputs.IncludeOutputs, ToolInputs.PipelineWait,
        ToolInputs.PipelineStatus, ToolInputs.PipelineCancel, ToolInputs.PipelineRetry,
        JobSpecReader.ReadPipeline,
        args => args.Read(ToolInputs.RetrySteps) is { } given
            ? [.. given.Select((e, n) => args.ReadString($"steps[{n}]", e, ToolInputs.DependencyId)).OfType<string>()]
            : null,
        (job, message) => ToolResults.Structured(new PipelineStartView(job.Id, job.Items.Length, JobViews.Status(job), message), message),
        (job, summary, include) => ToolResults.Structured(JobViews.Pipeline(job), summary, include ? [] : ["result", "input"]));
}
