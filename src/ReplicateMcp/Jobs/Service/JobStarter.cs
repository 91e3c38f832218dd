using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Pipelines;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Messages;
using ReplicateMcp.Jobs.Ownership;

namespace ReplicateMcp.Jobs.Service;

/// <summary>
/// Checks a whole job before anything is spent (token, model ids, pipeline structure, inputs against
/// each model's schema), then stores it and hands it to the executor. All or nothing.
/// </summary>
internal sealed partial class JobStarter(
    IJobStore store,
    JobRegistry registry,
    ModelCatalog catalog,
    TimeProvider time,
    ProcessOwnership ownership,
    AllowedFolders allowedFolders,
    IOptions<ReplicateOptions> replicateOptions,
    ILogger<JobStarter> logger)
{
    public Task<StartOutcome> StartAsync(JobSpec spec, CancellationToken cancellationToken) =>
        StartAsync(spec, JobIds.New(spec.Kind), cancellationToken);

    /// <summary>Starts the job under <paramref name="jobId"/>, chosen by the caller (an idempotency key is recorded against it first).</summary>
    public async Task<StartOutcome> StartAsync(JobSpec spec, string jobId, CancellationToken cancellationToken)
    {
        if (!replicateOptions.Value.HasToken)
            throw new JobStartException([ReplicateOptions.MissingToken]);

        var problems = new List<string>();
        var models = new ModelRef?[spec.Items.Count];
        for (var i = 0; i < spec.Items.Count; i++)
        {
            if (ModelRef.TryParse(spec.Items[i].Model, out var model)) models[i] = model;
            else problems.Add($"{Name(spec, i)}.model: {DisplayText.Quote(spec.Items[i].Model)} is not a full model id; {ModelRef.FormHint}.");
        }

        IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies = new Dictionary<string, IReadOnlyList<string>>();
        if (spec.Kind == JobKind.Pipeline)
        {
            var plan = PipelineValidator.Validate(
                [.. spec.Items.Select(s => new PipelineStepDefinition(s.StepId ?? "", s.Model, (JsonObject)JsonNode.Parse(s.Input.GetRawText())!, s.DependsOn))],
                spec.Settings.Download);
            problems.AddRange(plan.Errors);
            dependencies = plan.Dependencies;
        }

        var notes = new List<string>();
        var schemas = await FetchSchemasAsync(spec, models, cancellationToken);
        // Inputs are checked even when other problems were found: one refusal lists everything to fix.
        if (spec.Settings.Validate)
            ValidateInputs(spec, models, schemas, problems, notes);
        // The file rules hold with validate off too: they are about what leaves the machine.
        CheckLocalFiles(spec, models, schemas, problems, notes);
        if (problems.Count > 0) throw new JobStartException(problems);

        var now = time.GetUtcNow();
        var job = new Job
        {
            Id = jobId,
            Kind = spec.Kind,
            Settings = spec.Settings,
            CreatedAt = now,
            OwnerId = ownership.OwnerId,
            Backend = JobBackend.Of(replicateOptions.Value),
            IdempotencyKey = spec.IdempotencyKey,
            ClientRoots = [.. spec.ClientRoots ?? []],
            Note = notes.Count == 0 ? null : string.Join(" ", notes),
            Items = [.. spec.Items.Select((s, i) => new JobItem
            {
                Index = i,
                StepId = s.StepId,
                Model = s.Model,
                Input = s.Input,
                DependsOn = s.StepId is not null && dependencies.TryGetValue(s.StepId, out var deps) ? [.. deps] : ImmutableArray<string>.Empty,
                Status = ItemStatus.Queued,
            })],
        };
        try
        {
            await store.AddAsync(job, cancellationToken);
        }
        catch (StateWriteException ex)
        {
            throw new JobStartException([$"the job could not be recorded before any prediction was created: {ex.Message}. Free some space (or fix the folder) and start it again."]);
        }
        registry.Start(job);
        LogStarted(job.Id, job.Kind.ToString(), job.Items.Length);
        return new StartOutcome(job, Message(job, notes));
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

    private static void ValidateInputs(JobSpec spec, ModelRef?[] models, Dictionary<string, SchemaLookup> schemas, List<string> problems, List<string> notes)
    {
        for (var i = 0; i < spec.Items.Count; i++)
        {
            if (models[i] is null) continue; // already reported as a bad model id
            var (schema, error, _) = schemas[models[i]!.ToString()];
            if (error is not null) { problems.Add($"{Name(spec, i)}.model: {error}"); continue; }
            if (schema is null) continue;
            var input = (JsonObject)JsonNode.Parse(spec.Items[i].Input.GetRawText())!;
            var templated = spec.Kind == JobKind.Pipeline ? StepFields.TemplatedProperties(input) : [];
            problems.AddRange(InputSchemaValidator.Validate(input, schema, $"{Name(spec, i)}.input", templated.Contains));
        }
        foreach (var (model, lookup) in schemas)
            if (lookup.SkipReason is { } reason)
                notes.Add($"Input validation skipped for {model}: {reason}.");
    }

    /// <summary>
    /// Every local file named in an input must be one that may leave the machine (CONTRACT §8); each problem is
    /// named with its item or step, the path and the rule. Templates are checked once resolved, when the step starts.
    /// </summary>
    private void CheckLocalFiles(JobSpec spec, ModelRef?[] models, Dictionary<string, SchemaLookup> schemas, List<string> problems, List<string> notes)
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
            problems.AddRange(StepFileInputs.Scan(input, $"{Name(spec, i)}.input", schema, folders, leaveTemplates: spec.Kind == JobKind.Pipeline).Problems);
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

    private static string Name(JobSpec spec, int index) =>
        spec.Kind == JobKind.Batch ? $"items[{index}]"
        : Templates.StepIdSyntax.Path(spec.Items[index].StepId, index);

    /// <summary>The message <paramref name="job"/> was started with (its notes are kept on the job), for a repeated start.</summary>
    public static string StartMessage(Job job) => Message(job, job.Note is { } note ? [note] : []);

    private static string Message(Job job, IEnumerable<string> notes)
    {
        var (noun, idName, statusTool) = job.Kind == JobKind.Batch
            ? ("batch of " + job.Items.Length + " prediction" + (job.Items.Length == 1 ? "" : "s"), "job_id", "replicate_batch_status")
            : ("pipeline of " + job.Items.Length + " step" + (job.Items.Length == 1 ? "" : "s"), "pipeline_id", "replicate_pipeline_status");
        var text = $"Started {noun} (concurrency {job.Settings.Concurrency}). It runs in the background: call {statusTool} with {{\"{idName}\": \"{job.Id}\", \"wait_seconds\": 30}} to wait for progress and results.";
        var joined = string.Join(" ", notes);
        return joined.Length == 0 ? text : text + " " + joined;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Kind} job {JobId} with {Count} items")]
    private partial void LogStarted(string jobId, string kind, int count);
}
