using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;
using ReplicateMcp.Templates;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs;

/// <summary>The input an item is sent with, or why it cannot be sent; <paramref name="Shown"/> is how status answers show it.</summary>
internal sealed record PreparedInput(JsonElement Input, string? Error, JsonElement? Shown = null);

/// <summary>
/// Gets an item's input ready just before its create: a pipeline step's templates are resolved from its finished
/// dependencies and the resolved values checked against the model's schema; then the local files named in it
/// (CONTRACT §8) are sent — inline or uploaded — and replaced by what Replicate is given.
/// </summary>
internal sealed partial class StepInputPreparer(ModelCatalog catalog, AllowedFolders allowedFolders, InputFileSender files, ILogger<StepInputPreparer> logger)
{
    public async Task<PreparedInput> PrepareAsync(Job job, JobItem item, CancellationToken cancellationToken)
    {
        var resolved = job.Kind == JobKind.Batch ? new PreparedInput(item.Input, null) : await ResolveTemplatesAsync(job, item, cancellationToken);
        // A resumed item whose prediction exists is followed, not created again: nothing is read or uploaded for it.
        if (resolved.Error is not null || item is { Status: ItemStatus.Running, PredictionId: not null })
            return resolved;
        return await SendLocalFilesAsync(job, item, resolved.Input, cancellationToken);
    }

    private async Task<PreparedInput> SendLocalFilesAsync(Job job, JobItem item, JsonElement input, CancellationToken cancellationToken)
    {
        if (!LocalFileInputs.MentionsLocalPath(input)) return new PreparedInput(input, null);

        var where = job.Kind == JobKind.Batch ? $"items[{item.Index}].input" : $"steps[{item.StepId}].input";
        var scan = JobFileInputs.Scan(input, where, await SchemaOrNullAsync(item.Model, cancellationToken), allowedFolders.For(job), leaveTemplates: false);
        if (scan.HasProblems)
            return new PreparedInput(input, "A local file cannot be sent: " + string.Join(" ", scan.Problems));
        if (scan.Files.Count == 0) return new PreparedInput(input, null);

        try
        {
            var sent = await files.ReplaceAsync(input, scan.Files, cancellationToken);
            LogSent(job.Id, where, scan.Files.Count, files.InlinedCount, files.UploadCount);
            return new PreparedInput(sent, null, ShownInput.Of(sent, scan.Files));
        }
        catch (LocalFileSendException ex)
        {
            return new PreparedInput(input, ex.Message);
        }
    }

    private async Task<PreparedInput> ResolveTemplatesAsync(Job job, JobItem item, CancellationToken cancellationToken)
    {
        var input = JsonNode.Parse(item.Input.GetRawText());
        var fields = job.Items
            .Where(i => i.StepId is not null && item.DependsOn.Contains(i.StepId) && i.Status == ItemStatus.Succeeded)
            .ToDictionary(i => i.StepId!, i => StepFields.From(i.Result), StringComparer.Ordinal);
        JsonNode? resolved;
        try
        {
            resolved = TemplateResolver.Resolve(input, fields);
        }
        catch (TemplateException ex)
        {
            return new PreparedInput(item.Input, $"steps[{item.StepId}].input: {ex.Message}");
        }
        var sent = JsonSerializer.SerializeToElement(resolved, JobsJsonContext.Default.JsonNode);

        var templated = StepFields.TemplatedProperties(input);
        if (!job.Settings.Validate || templated.Count == 0 || resolved is not JsonObject resolvedObject)
            return new PreparedInput(sent, null);

        var schema = await SchemaOrNullAsync(item.Model, cancellationToken);
        if (schema is null) return new PreparedInput(sent, null);
        var problems = InputSchemaValidator.Validate(resolvedObject, schema, $"steps[{item.StepId}].input", name => !templated.Contains(name));
        return problems.Count == 0
            ? new PreparedInput(sent, null)
            : new PreparedInput(sent, "The resolved input does not fit the model's schema: " + string.Join("; ", problems));
    }

    private async Task<JsonObject?> SchemaOrNullAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return ModelRef.TryParse(model, out var parsed) ? await catalog.GetInputSchemaAsync(parsed, cancellationToken) : null;
        }
        catch (Exception ex) when (ReplicateFaults.IsAny(ex))
        {
            // Replicate validates again on create, and the create's own model lookup reports a lasting fault; without
            // the schema only file:// values and absolute paths of allowed files are taken as files.
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {Where}: {Count} local file(s) sent (this process so far: {Inlined} inline, {Uploaded} uploaded)")]
    private partial void LogSent(string jobId, string where, int count, int inlined, int uploaded);
}
