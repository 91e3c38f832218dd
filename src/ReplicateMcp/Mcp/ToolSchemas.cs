using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Mcp;

/// <summary>
/// Hand-written input schemas: the bounds and defaults of contract §2, exactly. The tool methods read the raw
/// arguments themselves (see <see cref="ToolArguments"/>), so these schemas are the only description of them.
/// </summary>
internal static class ToolSchemas
{
    private const string Input = """{"type": "object", "description": "The model's inputs, named as in its schema (replicate_get_model_schema).", "additionalProperties": true}""";

    public static readonly IReadOnlyDictionary<string, JsonElement> ByTool = new Dictionary<string, JsonElement>
    {
        ["replicate_batch_start"] = Parse("""
        {"type": "object", "properties": {
          "items": {"type": "array", "minItems": 1, "maxItems": 50, "description": "The predictions to run, 1–50; models may differ.",
            "items": {"type": "object", "required": ["model", "input"], "additionalProperties": false, "properties": {
              "model": {"type": "string", "description": "owner/name or owner/name:<64-hex version>"},
              "input": @INPUT@ }}},
          "concurrency": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3, "description": "Predictions of this batch running at once."},
          "download": {"type": "boolean", "default": true, "description": "Save output files to the download folder."},
          "timeout_ms_per_item": {"type": "integer", "minimum": 5000, "maximum": 1800000, "default": 300000, "description": "Per-prediction timeout; a timed-out item keeps running on Replicate (pending=true)."},
          "ttl_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 1, "description": "How long results are kept after the batch finishes."},
          "validate": {"type": "boolean", "default": true, "description": "Check every input against its model's schema before starting."}
        }, "required": ["items"], "additionalProperties": false}
        """),
        ["replicate_batch_status"] = Parse("""
        {"type": "object", "properties": {
          "job_id": {"type": "string", "description": "The job_id returned by replicate_batch_start."},
          "include_results": {"type": "boolean", "default": true, "description": "Include each item's result."},
          "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 50, "default": 0, "description": "Wait up to this long for the batch to finish."}
        }, "required": ["job_id"], "additionalProperties": false}
        """),
        ["replicate_batch_cancel"] = Parse("""
        {"type": "object", "properties": {"job_id": {"type": "string", "description": "The job_id returned by replicate_batch_start."}},
         "required": ["job_id"], "additionalProperties": false}
        """),
        ["replicate_pipeline_start"] = Parse("""
        {"type": "object", "properties": {
          "steps": {"type": "array", "minItems": 1, "maxItems": 20, "description": "The steps, 1–20; wire them with references such as \"$gen.urls[0]\".",
            "items": {"type": "object", "required": ["id", "model", "input"], "additionalProperties": false, "properties": {
              "id": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$", "maxLength": 64, "description": "Unique step id, used in references."},
              "model": {"type": "string", "description": "owner/name or owner/name:<64-hex version>"},
              "input": @INPUT@,
              "depends_on": {"type": "array", "items": {"type": "string"}, "description": "Extra steps to wait for; referenced steps are added automatically."} }}},
          "concurrency": {"type": "integer", "minimum": 1, "maximum": 5, "default": 3, "description": "Steps of this pipeline running at once."},
          "download": {"type": "boolean", "default": true, "description": "Save output files to the download folder (needed for $step.local_paths)."},
          "timeout_ms_per_step": {"type": "integer", "minimum": 5000, "maximum": 1800000, "default": 300000, "description": "Per-step prediction timeout."},
          "ttl_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 1, "description": "How long results are kept after the pipeline finishes."},
          "validate": {"type": "boolean", "default": true, "description": "Check every input against its model's schema before starting (referenced values once resolved)."}
        }, "required": ["steps"], "additionalProperties": false}
        """),
        ["replicate_pipeline_status"] = Parse("""
        {"type": "object", "properties": {
          "pipeline_id": {"type": "string", "description": "The pipeline_id returned by replicate_pipeline_start."},
          "include_outputs": {"type": "boolean", "default": true, "description": "Include each step's input as sent and its result."},
          "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 50, "default": 0, "description": "Wait up to this long for the pipeline to finish."}
        }, "required": ["pipeline_id"], "additionalProperties": false}
        """),
        ["replicate_pipeline_cancel"] = Parse("""
        {"type": "object", "properties": {"pipeline_id": {"type": "string", "description": "The pipeline_id returned by replicate_pipeline_start."}},
         "required": ["pipeline_id"], "additionalProperties": false}
        """),
        ["replicate_list_jobs"] = Parse("""{"type": "object", "properties": {}, "additionalProperties": false}"""),
        ["replicate_get_model_schema"] = Parse("""
        {"type": "object", "properties": {"model": {"type": "string", "description": "owner/name (latest version) or owner/name:<64-hex version>"}},
         "required": ["model"], "additionalProperties": false}
        """),
        ["replicate_search_models"] = Parse("""
        {"type": "object", "properties": {
          "query": {"type": "string", "description": "Words describing the model, e.g. \"upscale image\"."},
          "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10, "description": "Models to return."}
        }, "required": ["query"], "additionalProperties": false}
        """),
        ["replicate_get_prediction"] = Parse("""
        {"type": "object", "properties": {
          "prediction_id": {"type": "string", "description": "A prediction id, e.g. an item's prediction_id."},
          "download": {"type": "boolean", "default": false, "description": "Save its output files under <download dir>/predictions/<id>/."}
        }, "required": ["prediction_id"], "additionalProperties": false}
        """),
    };

    /// <summary>
    /// Replaces boolean sub-schemas (<c>true</c>, generated for free-form JSON values) by <c>{}</c>:
    /// both mean "anything", but some clients (the TypeScript SDK) reject the boolean form.
    /// </summary>
    public static JsonElement WithoutBooleanSchemas(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText());
        Replace(node);
        using var doc = JsonDocument.Parse(node!.ToJsonString());
        return doc.RootElement.Clone();
    }

    private static void Replace(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True && key is not ("additionalProperties" or "nullable" or "readOnly"))
                        obj[key] = new JsonObject();
                    else Replace(obj[key]);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.True) array[i] = new JsonObject();
                    else Replace(array[i]);
                }
                break;
        }
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json.Replace("@INPUT@", Input, StringComparison.Ordinal));
        return doc.RootElement.Clone();
    }
}
