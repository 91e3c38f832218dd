using System.ComponentModel;
using System.Net;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Mcp;

/// <summary>Jobs across kinds, and single predictions.</summary>
[McpServerToolType]
internal sealed class JobTools(IJobStore store, IReplicateClient client, PredictionResultBuilder results, Microsoft.Extensions.Options.IOptions<ReplicateOptions> replicateOptions)
{
    [McpServerTool(Name = "replicate_list_jobs", Title = "List batch and pipeline jobs", ReadOnly = true, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(JobListView))]
    [Description(ToolDescriptions.ListJobs)]
    public CallToolResult List(RequestContext<CallToolRequestParams> request)
    {
        var args = new ToolArguments(request.Params?.Arguments);
        args.ThrowIfInvalid();
        var jobs = store.List();
        var view = new JobListView([.. jobs.Select(JobViews.Summary)]);
        var running = jobs.Count(j => !j.IsFinished);
        return ToolResults.Structured(view, $"{jobs.Count} job(s) kept, {running} running.");
    }

    [McpServerTool(Name = "replicate_get_prediction", Title = "Fetch one prediction", ReadOnly = true, Idempotent = true, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(PredictionResult))]
    [Description(ToolDescriptions.GetPrediction)]
    public async Task<CallToolResult> GetPredictionAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(request.Params?.Arguments, "prediction_id", "download");
        var id = args.RequiredString("prediction_id", 100, "a prediction id such as \"azaq55dbukgxg6kubr4k6g3pby\"");
        var download = args.Bool("download", false);
        if (id is not null && !PredictionIds.IsValid(id))
            args.Add($"prediction_id: {Templates.DisplayText.Quote(id)} given, expected letters and digits only (as in a batch item's prediction_id).");
        args.ThrowIfInvalid();
        if (!replicateOptions.Value.HasToken)
            throw new McpException($"{ReplicateOptions.TokenVariable} is not set: give the server a Replicate API token in its environment, or start it with --simulate.");

        Prediction prediction;
        try
        {
            prediction = await client.GetPredictionAsync(id!, cancellationToken);
        }
        catch (ReplicateApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new McpException($"prediction_id: no prediction {Templates.DisplayText.Quote(id)} on Replicate (404). Prediction ids come from a batch item's or pipeline step's prediction_id.");
        }
        catch (ReplicateApiException ex)
        {
            throw new McpException(ex.Message);
        }
        var result = await results.BuildAsync(prediction, download, $"predictions/{prediction.Id}", pending: !prediction.IsTerminal, cancellationToken);
        var summary = $"Prediction {prediction.Id} is {prediction.Status}" + (result.Urls.Count > 0 ? $" with {result.Urls.Count} output URL(s)." : ".");
        return ToolResults.Structured(result, summary);
    }
}
