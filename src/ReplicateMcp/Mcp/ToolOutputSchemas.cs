using System.Text.Json;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Mcp;

/// <summary>
/// The <c>outputSchema</c> of every tool, hand-written next to the view records (JobViews, ModelViews,
/// PredictionResult) so it is exact and needs no reflection: every answer a tool gives validates against it, with
/// every option. <c>result</c> and <c>input</c> are not required because include_results / include_outputs false
/// leave them out; status words are enums (contract §3); unknown values are typed as nullable.
/// </summary>
internal static class ToolOutputSchemas
{
    private const string NullableString = """{"type": ["string", "null"]}""";
    private const string Strings = """{"type": "array", "items": {"type": "string"}}""";
    // Status words come from the one mapping the answers and the job files use; only steps can be skipped.
    private static readonly string JobStatus = $$"""{"type": "string", "enum": {{WordList(StatusWords.AllJobWords)}}}""";
    private static readonly string ItemStatus = WordList(StatusWords.AllItemWords.Where(w => w != Jobs.ItemStatus.Skipped.ToWire()));
    private static readonly string StepStatus = WordList(StatusWords.AllItemWords);
    private const string Count = """{"type": "integer", "minimum": 0}""";

    /// <summary>One prediction's result (contract §3); in job statuses also the item's earlier <c>attempts</c> (§10).</summary>
    private static string PredictionResultOf(bool withAttempts) => $$"""
        {"type": "object", "properties": {
          "prediction_id": {{NullableString}},
          "status": {"type": "string", "description": "Replicate's status: starting, processing, succeeded, failed, canceled or aborted."},
          "urls": {{Strings}},
          "local_paths": {{Strings}},
          "text_output": {{Strings}},
          "output": {"description": "Replicate's raw output (data: URIs replaced by file paths); null in statuses when urls or text_output already show it."},
          "metrics": {"type": ["object", "null"]},
          "pending": {"type": "boolean"},
          "error": {{NullableString}},
          "logs_tail": {{NullableString}},
          "download_error": {{NullableString}}{{(withAttempts ? "," + Attempts : "")}}
        }, "required": ["prediction_id", "status", "urls", "local_paths", "text_output", "output", "metrics", "pending", "error", "logs_tail", "download_error"{{(withAttempts ? ", \"attempts\"" : "")}}],
        "additionalProperties": false}
        """;

    private static readonly string Attempts = $$"""
          "attempts": {"type": "array", "description": "How earlier attempts of this item ended, oldest first (replicate_batch_retry / replicate_pipeline_retry); the current one is the result itself.",
            "items": {"type": "object", "properties": {"prediction_id": {{NullableString}}, "status": {"type": "string", "enum": {{WordList(StatusWords.AllItemWords)}}}, "error": {{NullableString}}},
              "required": ["prediction_id", "status", "error"], "additionalProperties": false} }
        """;

    private static readonly string PredictionResult = PredictionResultOf(withAttempts: true);

    private const string Counters = $$"""
        "total": {{Count}}, "queued": {{Count}}, "running": {{Count}}, "succeeded": {{Count}}, "failed": {{Count}}, "timed_out": {{Count}}, "canceled": {{Count}},
        "created_at": {"type": "string"}, "completed_at": {{NullableString}}, "expires_at": {{NullableString}},
        "note": {"type": ["string", "null"], "description": "Why something is as it is, e.g. that input validation was skipped."}
        """;

    private const string CounterNames = """ "total", "queued", "running", "succeeded", "failed", "timed_out", "canceled", "created_at", "completed_at", "expires_at" """;

    private static readonly string BatchStatusText = $$"""
        {"type": "object", "properties": {
          "job_id": {"type": "string"}, "kind": {"const": "batch"}, "status": {{JobStatus}}, {{Counters}},
          "items": {"type": "array", "items": {"type": "object", "properties": {
            "index": {"type": "integer", "minimum": 0}, "model": {"type": "string"}, "status": {"type": "string", "enum": {{ItemStatus}}},
            "prediction_id": {{NullableString}}, "started_at": {{NullableString}}, "completed_at": {{NullableString}},
            "result": {"anyOf": [{{PredictionResult}}, {"type": "null"}], "description": "Left out when include_results is false."},
            "error": {{NullableString}}
          }, "required": ["index", "model", "status", "prediction_id", "started_at", "completed_at", "error"], "additionalProperties": false} }
        }, "required": ["job_id", "kind", "status", {{CounterNames}}, "items"], "additionalProperties": false}
        """;

    private static readonly string PipelineStatusText = $$"""
        {"type": "object", "properties": {
          "pipeline_id": {"type": "string"}, "kind": {"const": "pipeline"}, "status": {{JobStatus}}, {{Counters}}, "skipped": {{Count}},
          "steps": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "model": {"type": "string"}, "status": {"type": "string", "enum": {{StepStatus}}},
            "depends_on": {{Strings}}, "prediction_id": {{NullableString}},
            "input": {"type": ["object", "null"], "description": "The input as sent, references resolved, once the step started; left out when include_outputs is false."},
            "started_at": {{NullableString}}, "completed_at": {{NullableString}},
            "result": {"anyOf": [{{PredictionResult}}, {"type": "null"}], "description": "Left out when include_outputs is false."},
            "error": {{NullableString}}, "skip_reason": {{NullableString}}
          }, "required": ["id", "model", "status", "depends_on", "prediction_id", "started_at", "completed_at", "error", "skip_reason"], "additionalProperties": false} }
        }, "required": ["pipeline_id", "kind", "status", {{CounterNames}}, "skipped", "steps"], "additionalProperties": false}
        """;

    public static readonly JsonElement BatchStart = Parse($$"""
        {"type": "object", "properties": {"job_id": {"type": "string"}, "total": {{Count}}, "status": {{JobStatus}}, "message": {"type": "string"} },
         "required": ["job_id", "total", "status", "message"], "additionalProperties": false}
        """);

    public static readonly JsonElement PipelineStart = Parse($$"""
        {"type": "object", "properties": {"pipeline_id": {"type": "string"}, "total": {{Count}}, "status": {{JobStatus}}, "message": {"type": "string"} },
         "required": ["pipeline_id", "total", "status", "message"], "additionalProperties": false}
        """);

    public static readonly JsonElement BatchStatus = Parse(BatchStatusText);

    public static readonly JsonElement PipelineStatus = Parse(PipelineStatusText);

    public static readonly JsonElement JobList = Parse($$"""
        {"type": "object", "properties": {"jobs": {"type": "array", "items": {"type": "object", "properties": {
          "id": {"type": "string"}, "kind": {"type": "string", "enum": ["batch", "pipeline"]}, "status": {{JobStatus}},
          "total": {{Count}}, "succeeded": {{Count}}, "failed": {{Count}},
          "created_at": {"type": "string"}, "completed_at": {{NullableString}}, "expires_at": {{NullableString}}
        }, "required": ["id", "kind", "status", "total", "succeeded", "failed", "created_at", "completed_at", "expires_at"], "additionalProperties": false} } },
         "required": ["jobs"], "additionalProperties": false}
        """);

    public static readonly JsonElement Prediction = Parse(PredictionResultOf(withAttempts: false));

    public static readonly JsonElement ModelSchema = Parse($$"""
        {"type": "object", "properties": {
          "model": {"type": "string"}, "description": {{NullableString}}, "is_official": {"type": "boolean"}, "version_id": {{NullableString}},
          "input_schema": {"type": ["object", "null"]}, "output_schema": {"type": ["object", "null"]},
          "example_input": {"description": "The model's default example input, as Replicate gives it; null if it has none."}
        }, "required": ["model", "description", "is_official", "version_id", "input_schema", "output_schema", "example_input"], "additionalProperties": false}
        """);

    public static readonly JsonElement ModelSearch = Parse($$"""
        {"type": "object", "properties": {"models": {"type": "array", "items": {"type": "object", "properties": {
          "model": {"type": "string"}, "description": {{NullableString}}, "run_count": {"type": ["integer", "null"]}, "is_official": {"type": "boolean"}
        }, "required": ["model", "description", "run_count", "is_official"], "additionalProperties": false} } },
         "required": ["models"], "additionalProperties": false}
        """);

    public static readonly JsonElement FileListing = Parse($$"""
        {"type": "object", "properties": {
          "folder": {"type": ["string", "null"], "description": "The folder listed (links resolved); null when no folder was given."},
          "files": {"type": "array", "items": {"type": "object", "properties": {
            "path": {"type": "string"}, "size": {{Count}}, "modified_at": {"type": "string"}, "mime_type": {"type": "string"}
          }, "required": ["path", "size", "modified_at", "mime_type"], "additionalProperties": false} },
          "truncated": {"type": "boolean", "description": "More files matched than limit."},
          "allowed_folders": {{Strings}}
        }, "required": ["folder", "files", "truncated", "allowed_folders"], "additionalProperties": false}
        """);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A JSON array of status words (plain lower-case words: nothing to escape).</summary>
    private static string WordList(IEnumerable<string> words) => "[" + string.Join(", ", words.Select(w => $"\"{w}\"")) + "]";
}
