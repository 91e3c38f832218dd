using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;
using ReplicateMcp.Templates;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs;

/// <summary>The input an item is sent with, or why it cannot be sent.</summary>
internal sealed record PreparedInput(JsonElement Input, string? Error);

/// <summary>
/// Resolves a pipeline step's templates from its finished dependencies and checks the resolved values
/// against the model's schema, just before the step's create. Batch inputs go through unchanged.
/// </summary>
internal sealed class StepInputPreparer(ModelCatalog catalog)
{
    public async Task<PreparedInput> PrepareAsync(Job job, JobItem item, CancellationToken cancellationToken)
    {
        if (job.Kind == JobKind.Batch) return new PreparedInput(item.Input, null);

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

        JsonObject? schema;
        try
        {
            schema = ModelRef.TryParse(item.Model, out var model) ? await catalog.GetInputSchemaAsync(model, cancellationToken) : null;
        }
        catch (Exception ex) when (ReplicateFaults.IsAny(ex))
        {
            // Replicate validates again on create, and the create's own model lookup reports a lasting fault.
            schema = null;
        }
        if (schema is null) return new PreparedInput(sent, null);
        var problems = InputSchemaValidator.Validate(resolvedObject, schema, $"steps[{item.StepId}].input", name => !templated.Contains(name));
        return problems.Count == 0
            ? new PreparedInput(sent, null)
            : new PreparedInput(sent, "The resolved input does not fit the model's schema: " + string.Join("; ", problems));
    }
}
