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
    JobInputChecks checks,
    TimeProvider time,
    ProcessOwnership ownership,
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
        // Inputs are checked even when other problems were found: one refusal lists everything to fix.
        await checks.CheckAsync(spec, models, i => Name(spec, i), problems, notes, cancellationToken);
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
