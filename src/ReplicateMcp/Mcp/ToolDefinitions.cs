using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;

namespace ReplicateMcp.Mcp;

/// <summary>
/// The thirteen tools: name, title, description, hints, input schema (from <see cref="ToolInputs"/>), output schema
/// (from <see cref="ToolOutputSchemas"/>) and the tool-class method that answers. Each call gets its tool class
/// from the request's services.
/// </summary>
internal static class ToolDefinitions
{
    /// <summary>Reads only: status, list, schema and search tools.</summary>
    private static readonly ToolAnnotations Reads = new() { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false };

    /// <summary>Reads from Replicate.</summary>
    private static readonly ToolAnnotations ReadsReplicate = new() { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = true };

    /// <summary>Starts paid predictions: each call is a new job.</summary>
    private static readonly ToolAnnotations Starts = new() { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = true };

    /// <summary>Runs paid predictions again in an existing job; a repeat finds nothing left to retry once they succeed.</summary>
    private static readonly ToolAnnotations Retries = new() { ReadOnlyHint = false, DestructiveHint = false, IdempotentHint = false, OpenWorldHint = true };

    private static readonly ToolAnnotations Cancels = new() { ReadOnlyHint = false, DestructiveHint = true, IdempotentHint = true, OpenWorldHint = true };

    public static void AddToolClasses(IServiceCollection services)
    {
        services.AddTransient<JobKindTools>();
        services.AddTransient<JobTools>();
        services.AddTransient<ModelTools>();
        services.AddTransient<FileTools>();
    }

    public static IEnumerable<McpServerTool> All() =>
    [
        Define<JobKindTools>("replicate_batch_start", "Start a batch of Replicate predictions", ToolDescriptions.BatchStart, Starts,
            ToolInputs.BatchStart, ToolOutputSchemas.BatchStart, (t, r, ct) => t.StartAsync(JobToolKind.Batch, r, ct)),
        Define<JobKindTools>("replicate_batch_status", "Batch progress and results", ToolDescriptions.BatchStatus, Reads,
            ToolInputs.BatchStatus, ToolOutputSchemas.BatchStatus, (t, r, ct) => t.StatusAsync(JobToolKind.Batch, r, ct)),
        Define<JobKindTools>("replicate_batch_cancel", "Cancel a batch", ToolDescriptions.BatchCancel, Cancels,
            ToolInputs.BatchCancel, ToolOutputSchemas.BatchStatus, (t, r, ct) => t.CancelAsync(JobToolKind.Batch, r, ct)),
        Define<JobKindTools>("replicate_batch_retry", "Retry a batch's failed items", ToolDescriptions.BatchRetry, Retries,
            ToolInputs.BatchRetry, ToolOutputSchemas.BatchStart, (t, r, ct) => t.RetryAsync(JobToolKind.Batch, r, ct)),
        Define<JobKindTools>("replicate_pipeline_start", "Start a pipeline (DAG) of Replicate predictions", ToolDescriptions.PipelineStart, Starts,
            ToolInputs.PipelineStart, ToolOutputSchemas.PipelineStart, (t, r, ct) => t.StartAsync(JobToolKind.Pipeline, r, ct)),
        Define<JobKindTools>("replicate_pipeline_status", "Pipeline progress and outputs", ToolDescriptions.PipelineStatus, Reads,
            ToolInputs.PipelineStatus, ToolOutputSchemas.PipelineStatus, (t, r, ct) => t.StatusAsync(JobToolKind.Pipeline, r, ct)),
        Define<JobKindTools>("replicate_pipeline_cancel", "Cancel a pipeline", ToolDescriptions.PipelineCancel, Cancels,
            ToolInputs.PipelineCancel, ToolOutputSchemas.PipelineStatus, (t, r, ct) => t.CancelAsync(JobToolKind.Pipeline, r, ct)),
        Define<JobKindTools>("replicate_pipeline_retry", "Resume a pipeline: retry its failed steps", ToolDescriptions.PipelineRetry, Retries,
            ToolInputs.PipelineRetry, ToolOutputSchemas.PipelineStart, (t, r, ct) => t.RetryAsync(JobToolKind.Pipeline, r, ct)),
        Define<JobTools>("replicate_list_jobs", "List batch and pipeline jobs", ToolDescriptions.ListJobs, Reads,
            ToolInputs.ListJobs, ToolOutputSchemas.JobList, (t, r, _) => Task.FromResult(t.List(r))),
        Define<JobTools>("replicate_get_prediction", "Fetch one prediction", ToolDescriptions.GetPrediction, ReadsReplicate,
            ToolInputs.GetPrediction, ToolOutputSchemas.Prediction, (t, r, ct) => t.GetPredictionAsync(r, ct)),
        Define<ModelTools>("replicate_get_model_schema", "A model's inputs and outputs", ToolDescriptions.GetModelSchema, ReadsReplicate,
            ToolInputs.GetModelSchema, ToolOutputSchemas.ModelSchema, (t, r, ct) => t.GetSchemaAsync(r, ct)),
        Define<ModelTools>("replicate_search_models", "Search Replicate models", ToolDescriptions.SearchModels, ReadsReplicate,
            ToolInputs.SearchModels, ToolOutputSchemas.ModelSearch, (t, r, ct) => t.SearchAsync(r, ct)),
        Define<FileTools>("replicate_list_files", "List local files that can be sent as inputs", ToolDescriptions.ListFiles, Reads,
            ToolInputs.ListFiles, ToolOutputSchemas.FileListing, (t, r, ct) => t.ListAsync(r, ct)),
    ];

    internal static DefinedTool Define<TTools>(string name, string title, string description, ToolAnnotations hints,
        ArgumentSet inputs, System.Text.Json.JsonElement outputSchema,
        Func<TTools, RequestContext<CallToolRequestParams>, CancellationToken, Task<CallToolResult>> answer)
        where TTools : notnull
    {
        var tool = new Tool
        {
            Name = name,
            Title = title,
            Description = description,
            InputSchema = inputs.InputSchema(),
            OutputSchema = outputSchema,
            Annotations = new ToolAnnotations
            {
                Title = title,
                ReadOnlyHint = hints.ReadOnlyHint,
                DestructiveHint = hints.DestructiveHint,
                IdempotentHint = hints.IdempotentHint,
                OpenWorldHint = hints.OpenWorldHint,
            },
        };
        return new DefinedTool(tool, async (request, cancellationToken) =>
        {
            // Kept jobs load after initialize is answered (issue 20): a call starts the load if it has not begun, and
            // waits for it, so it never misses a kept job.
            var load = request.Services!.GetRequiredService<Jobs.Storage.JobStateLoad>();
            load.NeedNow();
            await load.Loaded.WaitAsync(cancellationToken);
            return await answer(request.Services!.GetRequiredService<TTools>(), request, cancellationToken);
        });
    }
}
