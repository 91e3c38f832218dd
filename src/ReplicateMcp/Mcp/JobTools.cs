using System.Net;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;
using ReplicateMcp.Previews;
using ReplicateMcp.Replicate;
using ReplicateMcp.Status;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Mcp;

/// <summary>Jobs across kinds, and single predictions.</summary>
internal sealed class JobTools(IJobStore store, IReplicateClient client, PredictionResultBuilder results, PreviewBlocks previews, Microsoft.Extensions.Options.IOptions<ReplicateOptions> replicateOptions)
{
    public CallToolResult List(RequestContext<CallToolRequestParams> request)
    {
        var args = ToolInputs.ListJobs.Read(request.Params?.Arguments);
        args.ThrowIfInvalid();
        var jobs = store.List();
        var view = new JobListView([.. jobs.Select(JobViews.Summary)]);
        return ToolResults.Structured(view, StatusSummary.Of(jobs));
    }

    public async Task<CallToolResult> GetPredictionAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.GetPrediction.Read(request.Params?.Arguments);
        var id = args.Read(ToolInputs.PredictionId);
        var download = args.Read(ToolInputs.PredictionDownload);
        var preview = args.Read(ToolInputs.Preview);
        if (id is not null && !PredictionIds.IsValid(id))
            args.Add($"prediction_id: {DisplayText.Quote(id)} given, expected letters and digits only (as in a batch item's prediction_id).");
        args.ThrowIfInvalid();
        if (!replicateOptions.Value.HasToken)
            throw new McpException(ReplicateOptions.MissingToken);

        Prediction prediction;
        try
        {
            prediction = await client.GetPredictionAsync(id!, cancellationToken);
        }
        catch (ReplicateApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new McpException($"prediction_id: prediction {DisplayText.Quote(id)} was not found on Replicate (404). " +
                "Prediction ids come from a batch item's prediction_id (replicate_batch_status) or a pipeline step's prediction_id (replicate_pipeline_status).");
        }
        catch (ReplicateApiException ex)
        {
            throw new McpException(ex.Message);
        }
        var result = await results.BuildAsync(prediction, download, $"predictions/{prediction.Id}", pending: !prediction.IsTerminal, cancellationToken);
        var answer = ToolResults.Structured(result, PredictionSummary.Of(result));
        return preview
            ? await previews.AddAsync(answer, OutputPreview.Of(result),
                download ? "their download failed (see download_error)." : "call replicate_get_prediction again with download: true to see them.", cancellationToken)
            : answer;
    }
}
