namespace ReplicateMcp.Mcp;

/// <summary>What a calling model reads to decide when and how to use each tool.</summary>
internal static class ToolDescriptions
{
    private const string ModelIds =
        "Every model must be a full Replicate id: \"owner/name\" (e.g. \"black-forest-labs/flux-schnell\") or \"owner/name:<64-hex version>\". " +
        "Short names like \"flux-schnell\" are refused; find ids with replicate_search_models and check inputs with replicate_get_model_schema.";

    public const string BatchStart =
        "Start up to 50 Replicate predictions as one background job and get a job_id at once (before any prediction finishes). " +
        "Use it for 1–50 independent predictions, even of different models: each item is {\"model\", \"input\"}. " + ModelIds + " " +
        "With validate (default true) every input is checked against its model's schema before anything is paid for; any problem refuses the whole batch and names the item. " +
        "Outputs are downloaded to the download folder (download=true). Jobs survive a server restart. " +
        "Then call replicate_batch_status with the job_id (wait_seconds up to 50 to wait for completion); replicate_batch_cancel stops it. " +
        "Example: {\"items\": [{\"model\": \"black-forest-labs/flux-schnell\", \"input\": {\"prompt\": \"a red fox\"}}, {\"model\": \"black-forest-labs/flux-schnell\", \"input\": {\"prompt\": \"a blue whale\"}}]}";

    public const string BatchStatus =
        "Progress and results of a batch started with replicate_batch_start: counts per status and, per item, its prediction_id and result " +
        "(urls, local_paths of downloaded files, text_output for language models, raw output, error). " +
        "Pass wait_seconds (1–50) to wait until the batch finishes or that time passes instead of polling in a loop. " +
        "A timed_out item has pending=true: its prediction still runs on Replicate; fetch it later with replicate_get_prediction.";

    public const string BatchCancel =
        "Cancel a running batch: queued items never start and running predictions are cancelled on Replicate, so they stop costing money. " +
        "Finished items keep their results. Cancelling a finished batch changes nothing and returns its status.";

    public const string BatchRetry =
        "Run a finished batch's failed, timed-out or canceled items again, in the same job: its job_id, download folder and results stay, " +
        "succeeded items are never created (nor paid for) again, and each retried item keeps its earlier tries in its result's attempts. " +
        "Give items (indices) to retry only some; leave it out to retry everything that did not succeed. Costs one new prediction per retried item. " +
        "Use it after replicate_batch_status shows a partial or failed batch whose errors look passing (a CUDA error, a timeout, NSFW false positive, a 5xx); " +
        "fix the input first when the error says it is wrong. Answers at once like replicate_batch_start; follow with replicate_batch_status (wait_seconds).";

    public const string PipelineStart =
        "Run a DAG of up to 20 Replicate predictions as one background job and get a pipeline_id at once. " +
        "Each step is {\"id\", \"model\", \"input\", \"depends_on\"?}; a step starts as soon as every step it depends on has succeeded, and independent steps run at the same time. " +
        "Pass one step's output to another with references in the input: \"$gen.urls[0]\" (first output URL of step gen), \"$gen.urls\" (all), " +
        "\"$gen.local_paths[0]\", \"$cap.text_output[0]\" (text of a language model), \"$gen.output\", \"$gen.output.key\", \"$gen.prediction_id\", \"$gen.metrics\". " +
        "A string that is exactly one reference takes the referenced value with its JSON type; a reference inside longer text is replaced by its text (\"a photo of $cap.text_output[0]\"). Write $$ for a literal dollar sign. " +
        "depends_on is optional: references add their steps automatically. A typo in a reference, an unknown step, a cycle or an invalid input refuses the whole pipeline before anything runs. " +
        "If a step fails, the steps downstream of it are skipped and independent branches go on. " + ModelIds + " " +
        "Then call replicate_pipeline_status with the pipeline_id (wait_seconds up to 50). " +
        "Example: generate, then upscale and remove the background in parallel: {\"steps\": [{\"id\": \"gen\", \"model\": \"black-forest-labs/flux-schnell\", \"input\": {\"prompt\": \"a fox\"}}, " +
        "{\"id\": \"upscale\", \"model\": \"nightmareai/real-esrgan\", \"input\": {\"image\": \"$gen.urls[0]\", \"scale\": 4}}, {\"id\": \"no_bg\", \"model\": \"lucataco/remove-bg\", \"input\": {\"image\": \"$gen.urls[0]\"}}]}";

    public const string PipelineStatus =
        "Progress and outputs of a pipeline started with replicate_pipeline_start: counts per status and, per step, its status, effective depends_on, " +
        "the input as actually sent (references resolved), prediction_id, result, error and skip_reason. " +
        "Pass wait_seconds (1–50) to wait until the pipeline finishes or that time passes.";

    public const string PipelineCancel =
        "Cancel a running pipeline: steps that have not started are marked canceled and never run; running predictions are cancelled on Replicate. " +
        "Cancelling a finished pipeline changes nothing and returns its status.";

    public const string PipelineRetry =
        "Resume a pipeline in the same job: its failed, timed-out or canceled steps run again, and the steps skipped because of them run again too, " +
        "taking their inputs from the steps that succeeded, which are never created (nor paid for) again. When those steps' output URLs have expired on Replicate " +
        "(about an hour after they ended), their downloaded files are sent instead; without downloads the retry is refused. " +
        "Give steps (ids) to retry only some; leave it out to retry everything that did not succeed. Each retried step keeps its earlier tries in its result's attempts. " +
        "Answers at once like replicate_pipeline_start; follow with replicate_pipeline_status (wait_seconds).";

    public const string ListJobs =
        "List the batch and pipeline jobs this server keeps (running ones, and finished ones until their ttl_hours expire), newest first, " +
        "with counts and times. Use it to recover a job_id or pipeline_id.";

    public const string GetPrediction =
        "Fetch one Replicate prediction by id: its status and result (urls, text_output, output, metrics, error). " +
        "Use it for an item that timed out (pending=true) to see whether it has finished since; download=true saves its output files.";

    public const string GetModelSchema =
        "A Replicate model's input and output schema (enums inlined), its description, whether it is official, its version id and an example input. " +
        "Call it before starting a batch or pipeline so inputs use the right names, types, enum values and ranges. " +
        "model is \"owner/name\" (latest version) or \"owner/name:<version>\".";

    public const string SearchModels =
        "Search Replicate's public models by words (e.g. \"upscale image\", \"remove background\", \"llama\") and get their full ids " +
        "(owner/name), descriptions, run counts and whether they are official. Use the ids with replicate_get_model_schema and the start tools.";

    public const string ListFiles =
        "List the files of a folder on this machine that may be sent to Replicate as model inputs: path, size, modified time and MIME type. " +
        "Use it to find local photos, scans or audio when the user names a folder (\"the photos in ~/shop\") and you have no other way to see files; " +
        "then put each path as the model's input (e.g. {\"image\": \"/home/me/shop/a.jpg\"}) in replicate_batch_start or replicate_pipeline_start: the server sends the file. " +
        "Only the allowed folders can be listed or sent (the download folder, REPLICATE_MCP_INPUT_DIRS and the client's roots); hidden files are left out. " +
        "Call it without folder to get the allowed folders. Lists one folder, not its sub-folders; pattern filters names (\"*.jpg\"), limit caps the count.";
}
