using System.Net;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Mcp;

/// <summary>Find models and read their input schemas.</summary>
internal sealed class ModelTools(ModelCatalog catalog, IReplicateClient client, Microsoft.Extensions.Options.IOptions<ReplicateOptions> replicateOptions)
{
    public async Task<CallToolResult> GetSchemaAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.GetModelSchema.Read(request.Params?.Arguments);
        var text = args.Read(ToolInputs.Model);
        ModelRef? model = null;
        if (text is not null && !ModelRef.TryParse(text, out model))
            args.Add($"model: {DisplayText.Quote(text)} is not a full model id; {ModelRef.FormHint}.");
        args.ThrowIfInvalid();
        RequireToken();

        try
        {
            var info = await catalog.GetModelAsync(model!, cancellationToken);
            var versionId = model!.Version ?? info.LatestVersion?.Id;
            var document = await catalog.GetOpenApiSchemaAsync(model, cancellationToken);
            var view = new ModelSchemaView(
                model.FullName + (model.Version is null ? "" : ":" + model.Version),
                info.Description, info.IsOfficial, versionId,
                document is { } d ? SchemaInliner.Inline(d, "Input") : null,
                document is { } o ? SchemaInliner.Inline(o, "Output") : null,
                info.DefaultExample is { ValueKind: System.Text.Json.JsonValueKind.Object } ex && ex.TryGetProperty("input", out var exampleInput) ? exampleInput.Clone() : null);
            return ToolResults.Structured(view, ModelSummaries.Schema(view));
        }
        catch (ReplicateApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new McpException($"model: {DisplayText.Quote(text)} was not found on Replicate (404); find the right id with replicate_search_models.");
        }
        catch (ReplicateApiException ex)
        {
            throw new McpException(ex.Message);
        }
    }

    public async Task<CallToolResult> SearchAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = ToolInputs.SearchModels.Read(request.Params?.Arguments);
        var query = args.Read(ToolInputs.Query);
        if (query is not null && string.IsNullOrWhiteSpace(query)) args.Add("query: empty; give search words such as \"upscale image\".");
        var limit = args.Read(ToolInputs.Limit);
        args.ThrowIfInvalid();
        RequireToken();
        try
        {
            var models = await client.SearchModelsAsync(query!, limit, cancellationToken);
            var view = new ModelSearchView([.. models.Select(m => new ModelSearchHitView($"{m.Owner}/{m.Name}", m.Description, m.RunCount, m.IsOfficial))]);
            return ToolResults.Structured(view, ModelSummaries.Search(view, query!));
        }
        catch (ReplicateApiException ex)
        {
            throw new McpException(ex.Message);
        }
    }

    private void RequireToken()
    {
        if (!replicateOptions.Value.HasToken)
            throw new McpException(ReplicateOptions.MissingToken);
    }
}
