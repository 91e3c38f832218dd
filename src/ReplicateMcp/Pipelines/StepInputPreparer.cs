using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Pipelines;

/// <summary>
/// One item's input as its job holds it. <paramref name="Where"/> names it in messages (<c>steps[up].input</c>);
/// <paramref name="Dependencies"/> are the fields of the finished steps it depends on, null for a batch item (no
/// templates); <paramref name="AlreadyCreated"/> is a resumed item whose prediction exists.
/// </summary>
internal sealed record StepInputRequest(
    string JobId, string Where, string Model, JsonElement Input, bool AlreadyCreated,
    IReadOnlyDictionary<string, JsonObject>? Dependencies, bool Validate, ImmutableArray<string> ClientRoots);

/// <summary>The input an item is sent with, or why it cannot be sent; <paramref name="Shown"/> is how status answers show it.</summary>
internal sealed record PreparedInput(JsonElement Input, string? Error, JsonElement? Shown = null);

/// <summary>
/// Gets an item's input ready just before its create: a pipeline step's templates are resolved from its finished
/// dependencies and the resolved values checked against the model's schema; then the local files named in it
/// (CONTRACT §8) are sent — inline or uploaded — and replaced by what Replicate is given.
/// </summary>
internal sealed partial class StepInputPreparer(ModelCatalog catalog, AllowedFolders allowedFolders, InputFileSender files, ILogger<StepInputPreparer> logger)
{
    public async Task<PreparedInput> PrepareAsync(StepInputRequest request, CancellationToken cancellationToken)
    {
        var resolved = request.Dependencies is null ? new PreparedInput(request.Input, null) : await ResolveTemplatesAsync(request, request.Dependencies, cancellationToken);
        // A resumed item whose prediction exists is followed, not created again: nothing is read or uploaded for it.
        if (resolved.Error is not null || request.AlreadyCreated)
            return resolved;
        return await SendLocalFilesAsync(request, resolved.Input, cancellationToken);
    }

    private async Task<PreparedInput> SendLocalFilesAsync(StepInputRequest request, JsonElement input, CancellationToken cancellationToken)
    {
        if (!LocalFileInputs.MentionsLocalPath(input)) return new PreparedInput(input, null);

        var folders = allowedFolders.WithClientRoots(request.ClientRoots);
        var scan = StepFileInputs.Scan(input, request.Where, await SchemaOrNullAsync(request.Model, cancellationToken), folders, leaveTemplates: false);
        if (scan.HasProblems)
            return new PreparedInput(input, "A local file cannot be sent: " + string.Join(" ", scan.Problems));
        if (scan.Files.Count == 0) return new PreparedInput(input, null);

        try
        {
            var sent = await files.ReplaceAsync(input, scan.Files, cancellationToken);
            LogSent(request.JobId, request.Where, scan.Files.Count, files.InlinedCount, files.UploadCount);
            return new PreparedInput(sent, null, ShownInput.Of(sent, scan.Files));
        }
        catch (LocalFileSendException ex)
        {
            return new PreparedInput(input, ex.Message);
        }
    }

    private async Task<PreparedInput> ResolveTemplatesAsync(StepInputRequest request, IReadOnlyDictionary<string, JsonObject> fields, CancellationToken cancellationToken)
    {
        var input = JsonNode.Parse(request.Input.GetRawText());
        JsonNode? resolved;
        try
        {
            resolved = TemplateResolver.Resolve(input, fields);
        }
        catch (TemplateException ex)
        {
            return new PreparedInput(request.Input, $"{request.Where}: {ex.Message}");
        }
        var sent = JsonSerializer.SerializeToElement(resolved, LocalFilesJsonContext.Default.JsonNode);

        var templated = StepFields.TemplatedProperties(input);
        if (!request.Validate || templated.Count == 0 || resolved is not JsonObject resolvedObject)
            return new PreparedInput(sent, null);

        var schema = await SchemaOrNullAsync(request.Model, cancellationToken);
        if (schema is null) return new PreparedInput(sent, null);
        var problems = InputSchemaValidator.Validate(resolvedObject, schema, request.Where, name => !templated.Contains(name));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Where} of job {JobId}: {Count} local file(s) sent (this process so far: {Inlined} inline, {Uploaded} uploaded)")]
    private partial void LogSent(string jobId, string where, int count, int inlined, int uploaded);
}
