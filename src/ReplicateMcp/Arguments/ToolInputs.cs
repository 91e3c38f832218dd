using ReplicateMcp.Templates;

namespace ReplicateMcp.Arguments;

/// <summary>
/// Every tool's arguments, defined once (contract §2): the input schemas are written from these and the calls are
/// checked against them. Adding an argument is one definition here plus its name in the tool's set below.
/// </summary>
internal static class ToolInputs
{
    public const int MaxItems = 50;
    public const int MaxSteps = 20;

    private const string ModelIdForm = "a model id \"owner/name\" or \"owner/name:version\"";

    // Batch and pipeline start
    public static readonly InputArgument ModelInput = new("input", "The model's inputs, named as in its schema (replicate_get_model_schema).");
    public static readonly StringArgument ItemModel = new("model", 300, ModelIdForm, "owner/name or owner/name:<64-hex version>");
    public static readonly ObjectArgument Item = new("item", "an item {\"model\": \"owner/name\", \"input\": {...}}", "One prediction: a model and its input.", ItemModel, ModelInput);
    public static readonly ArrayArgument Items = new("items", 1, MaxItems, "items, each {\"model\": \"owner/name\", \"input\": {...}}", Item,
        "The predictions to run, 1–50; models may differ.");
    public static readonly StringArgument StepId = new("id", StepIdSyntax.MaxLength, "a step id such as \"gen\"", "Unique step id, used in references.",
        Pattern: StepIdSyntax.Pattern);
    public static readonly StringArgument DependencyId = new("step id", StepIdSyntax.MaxLength, "a step id", "The id of another step.", Pattern: StepIdSyntax.Pattern);
    public static readonly ArrayArgument DependsOn = new("depends_on", 0, MaxSteps, "step ids", DependencyId,
        "Extra steps to wait for; referenced steps are added automatically.", IsRequired: false);
    public static readonly ObjectArgument Step = new("step", "a step {\"id\", \"model\", \"input\"}", "One prediction of the pipeline.", StepId, ItemModel, ModelInput, DependsOn);
    public static readonly ArrayArgument Steps = new("steps", 1, MaxSteps, "steps, each {\"id\", \"model\", \"input\", \"depends_on\"?}", Step,
        "The steps, 1–20; wire them with references such as \"$gen.urls[0]\".");
    public static readonly IntArgument BatchConcurrency = new("concurrency", 1, 10, 3, "Predictions of this batch running at once.");
    public static readonly IntArgument PipelineConcurrency = new("concurrency", 1, 5, 3, "Steps of this pipeline running at once.");
    public static readonly BoolArgument BatchDownload = new("download", true, "Save output files to the download folder.");
    public static readonly BoolArgument PipelineDownload = new("download", true, "Save output files to the download folder (needed for $step.local_paths).");
    public static readonly IntArgument TimeoutPerItem = new("timeout_ms_per_item", 5_000, 1_800_000, 300_000,
        "Per-prediction timeout; a timed-out item keeps running on Replicate (pending=true).");
    public static readonly IntArgument TimeoutPerStep = new("timeout_ms_per_step", 5_000, 1_800_000, 300_000, "Per-step prediction timeout.");
    public static readonly IntArgument BatchTtl = new("ttl_hours", 1, 72, 1, "How long results are kept after the batch finishes.");
    public static readonly IntArgument PipelineTtl = new("ttl_hours", 1, 72, 1, "How long results are kept after the pipeline finishes.");
    public static readonly BoolArgument BatchValidate = new("validate", true, "Check every input against its model's schema before starting.");
    public static readonly BoolArgument PipelineValidate = new("validate", true,
        "Check every input against its model's schema before starting (referenced values once resolved).");
    public static readonly StringArgument IdempotencyKey = new("idempotency_key", 100, "a key of 1–100 characters",
        "Optional key of your choosing: a start repeated with the same key returns the job started first instead of a new one.",
        IsRequired: false, MinLength: 1);
    public static readonly JobSettingArguments BatchSettings = new(BatchConcurrency, BatchDownload, TimeoutPerItem, BatchTtl, BatchValidate);
    public static readonly JobSettingArguments PipelineSettings = new(PipelineConcurrency, PipelineDownload, TimeoutPerStep, PipelineTtl, PipelineValidate);

    // Status and cancel
    public static readonly StringArgument JobId = new("job_id", 100, "the job_id returned by replicate_batch_start", "The job_id returned by replicate_batch_start.");
    public static readonly StringArgument PipelineId = new("pipeline_id", 100, "the pipeline_id returned by replicate_pipeline_start",
        "The pipeline_id returned by replicate_pipeline_start.");
    public static readonly BoolArgument IncludeResults = new("include_results", true, "Include each item's result.");
    public static readonly BoolArgument IncludeOutputs = new("include_outputs", true, "Include each step's input as sent and its result.");
    public static readonly IntArgument BatchWait = new("wait_seconds", 0, 50, 0, "Wait up to this long for the batch to finish.");
    public static readonly IntArgument PipelineWait = new("wait_seconds", 0, 50, 0, "Wait up to this long for the pipeline to finish.");
    public static readonly BoolArgument Preview = new("preview", false,
        "Add a contact sheet image of the job's image outputs and a resource_link per downloaded file.");

    // Retry
    public static readonly IndexArgument RetryIndex = new("item index", MaxItems - 1, "The index of an item (0-based, as in the batch's items).");
    public static readonly ArrayArgument RetryItems = new("items", 1, MaxItems, "item indices such as [1, 3]", RetryIndex,
        "Only these items (indices); leave it out to retry every item that did not succeed.", IsRequired: false);
    public static readonly ArrayArgument RetrySteps = new("steps", 1, MaxSteps, "step ids such as [\"up\"]", DependencyId,
        "Only these steps (ids); leave it out to retry every step that did not succeed. Steps skipped because of them run again too.", IsRequired: false);

    // Predictions and models
    public static readonly StringArgument PredictionId = new("prediction_id", 100, "a prediction id such as \"azaq55dbukgxg6kubr4k6g3pby\"",
        "A prediction id, e.g. an item's prediction_id.");
    public static readonly BoolArgument PredictionDownload = new("download", false, "Save its output files under <download dir>/predictions/<id>/.");
    public static readonly StringArgument Model = new("model", 300, ModelIdForm, "owner/name (latest version) or owner/name:<64-hex version>");
    public static readonly StringArgument Query = new("query", 500, "search words such as \"upscale image\"", "Words describing the model, e.g. \"upscale image\".");
    public static readonly IntArgument Limit = new("limit", 1, 50, 10, "Models to return.");

    // Local files
    public static readonly StringArgument Folder = new("folder", 4096, "an absolute folder path, ~/… or a file:// URI",
        "The folder to list (not its sub-folders): an absolute path, ~/… or a file:// URI inside the allowed folders. Leave it out to get the allowed folders.",
        IsRequired: false);
    public static readonly StringArgument FilePattern = new("pattern", 200, "a file-name pattern such as \"*.jpg\" (* and ? only)",
        "File names to list, with * and ? as wildcards, e.g. \"*.jpg\"; case-insensitive.", IsRequired: false, MinLength: 1, Default: LocalFiles.FileLister.DefaultPattern);
    public static readonly IntArgument FileLimit = new("limit", LocalFiles.FileLister.MinLimit, LocalFiles.FileLister.MaxLimit, LocalFiles.FileLister.DefaultLimit,
        "Files to return at most (sorted by name); truncated says more matched.");

    public static readonly ArgumentSet BatchStart = new([Items, .. BatchSettings.All, IdempotencyKey]);
    public static readonly ArgumentSet BatchStatus = new(JobId, IncludeResults, BatchWait, Preview);
    public static readonly ArgumentSet BatchCancel = new(JobId);
    public static readonly ArgumentSet PipelineStart = new([Steps, .. PipelineSettings.All, IdempotencyKey]);
    public static readonly ArgumentSet PipelineStatus = new(PipelineId, IncludeOutputs, PipelineWait, Preview);
    public static readonly ArgumentSet PipelineCancel = new(PipelineId);
    public static readonly ArgumentSet BatchRetry = new(JobId, RetryItems);
    public static readonly ArgumentSet PipelineRetry = new(PipelineId, RetrySteps);
    public static readonly ArgumentSet ListJobs = new();
    public static readonly ArgumentSet GetPrediction = new(PredictionId, PredictionDownload, Preview);
    public static readonly ArgumentSet GetModelSchema = new(Model);
    public static readonly ArgumentSet SearchModels = new(Query, Limit);
    public static readonly ArgumentSet ListFiles = new(Folder, FilePattern, FileLimit);
}
