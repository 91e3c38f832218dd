using System.Net;
using System.Text.Json.Nodes;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;

namespace ReplicateMcp.Jobs.Service;

/// <summary>
/// The checks of items' inputs before anything is spent, for a start and for a retry alike: inputs against each
/// model's schema (with <c>validate</c>) and the local-file rules (always). Every problem is added, none thrown.
/// </summary>
internal sealed class JobInputChecks(ModelCatalog catalog, AllowedFolders allowedFolders)
{
    /// <summary>Adds every problem with the inputs of <paramref name="spec"/> (item <c>i</c> named by <paramref name="name"/>) and every note.</summary>
    public async Task CheckAsync(JobSpec spec, ModelRef?[] models, Func<int, string> name, List<string> problems, List<string> notes, CancellationToken cancellationToken)
    {
        var schemas = await FetchSchemasAsync(spec, models, cancellationToken);
        if (spec.Settings.Validate)
            ValidateInputs(spec, models, name, schemas, problems, notes);
        // The file rules hold with validate off too: they are about what leaves the machine.
        CheckLocalFiles(spec, models, name, schemas, problems, notes);
    }

    /// <summary>
    /// Each model's schema, fetched once: for every model when validating, otherwise only for models whose inputs name
    /// a local path (the schema tells which properties are files).
    /// </summary>
    private async Task<Dictionary<string, SchemaLookup>> FetchSchemasAsync(JobSpec spec, ModelRef?[] models, CancellationToken cancellationToken)
    {
        var needed = models
            .Select((model, i) => (model, i))
            .Where(x => x.model is not null && (spec.Settings.Validate || LocalFileInputs.MentionsLocalPath(spec.Items[x.i].Input)))
            .Select(x => x.model!)
            .DistinctBy(m => m.ToString(), StringComparer.OrdinalIgnoreCase)
            .ToList();
        var lookups = needed.ToDictionary(m => m.ToString(), m => FetchSchemaAsync(m, cancellationToken), StringComparer.OrdinalIgnoreCase);
        await Task.WhenAll(lookups.Values);
        return lookups.ToDictionary(l => l.Key, l => l.Value.Result, StringComparer.OrdinalIgnoreCase);
    }

    private static void ValidateInputs(JobSpec spec, ModelRef?[] models, Func<int, string> name, Dictionary<string, SchemaLookup> schemas, List<string> problems, List<string> notes)
    {
        for (var i = 0; i < spec.Items.Count; i++)
        {
            if (models[i] is null) continue; // already reported as a bad model id
            var (schema, error, _) = schemas[models[i]!.ToString()];
            if (error is not null) { problems.Add($"{name(i)}.model: {error}"); continue; }
            if (schema is null) continue;
            var input = (JsonObject)JsonNode.Parse(spec.Items[i].Input.GetRawText())!;
            var templated = spec.Kind == JobKind.Pipeline ? StepFields.TemplatedProperties(input) : [];
            problems.AddRange(InputSchemaValidator.Validate(input, schema, $"{name(i)}.input", templated.Contains));
        }
        foreach (var (model, lookup) in schemas)
            if (lookup.SkipReason is { } reason)
                notes.Add($"Input validation skipped for {model}: {reason}.");
    }

    /// <summary>
    /// Every local file named in an input must be one that may leave the machine (CONTRACT §8); each problem is
    /// named with its item or step, the path and the rule. Templates are checked once resolved, when the step starts.
    /// </summary>
    private void CheckLocalFiles(JobSpec spec, ModelRef?[] models, Func<int, string> name, Dictionary<string, SchemaLookup> schemas, List<string> problems, List<string> notes)
    {
        var folders = allowedFolders.WithClientRoots(spec.ClientRoots ?? []);
        var withoutSchema = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < spec.Items.Count; i++)
        {
            var input = spec.Items[i].Input;
            var mentionsPath = LocalFileInputs.MentionsLocalPath(input);
            JsonObject? schema = null;
            if (models[i] is { } model && schemas.TryGetValue(model.ToString(), out var lookup))
            {
                schema = lookup.Schema;
                if (mentionsPath && schema is null && (lookup.SkipReason ?? (spec.Settings.Validate ? null : lookup.Error)) is { } reason)
                    withoutSchema.TryAdd(model.ToString(), reason);
            }
            // Without a path in it, only a plain string in a file property can break a rule, which needs the schema.
            if (!mentionsPath && schema is null) continue;
            problems.AddRange(StepFileInputs.Scan(input, $"{name(i)}.input", schema, folders, leaveTemplates: spec.Kind == JobKind.Pipeline).Problems);
        }
        foreach (var (model, reason) in withoutSchema)
            notes.Add($"Local files for {model} were told from text without its input schema ({reason.TrimEnd('.')}): only file:// URIs and absolute paths of files in the allowed folders are sent as files.");
    }

    private sealed record SchemaLookup(JsonObject? Schema, string? Error, string? SkipReason);

    /// <summary>The inlined schema; an error that refuses the start (404, 401); or why validation is skipped.</summary>
    private async Task<SchemaLookup> FetchSchemaAsync(ModelRef model, CancellationToken cancellationToken)
    {
        try
        {
            var schema = await catalog.GetInputSchemaAsync(model, cancellationToken);
            return schema is null ? new(null, null, "the model publishes no input schema") : new(schema, null, null);
        }
        catch (ReplicateApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound)
        {
            return new(null, $"\"{model}\" was not found on Replicate (404); check the owner/name with replicate_search_models.", null);
        }
        catch (ReplicateApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new(null, ex.Message, null);
        }
        catch (Exception ex) when (ReplicateFaults.IsAny(ex))
        {
            return new(null, null, $"its schema could not be fetched ({ex.Message})");
        }
    }
}
