using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ReplicateMcp.Arguments;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Service;
using ReplicateMcp.Previews;

namespace ReplicateMcp.Mcp;

/// <summary><c>replicate_view_thumbnails</c>: the job view's pictures of a job's image outputs (see <see cref="ViewThumbnails"/>).</summary>
internal sealed class ThumbnailTool(JobFinder finder)
{
    public static readonly StringArgument Id = new("job_id", 100, "a job_id or pipeline_id", "The job_id of a batch or the pipeline_id of a pipeline.");
    private static readonly StringArgument ItemKey = new("item", 100, "an item index such as \"3\" or a step id", "A batch item's index (as text) or a pipeline step's id.");
    public static readonly ArrayArgument Items = new("items", 1, ToolInputs.MaxItems, "item indices (as text) or step ids", ItemKey,
        "Only these items or steps; leave it out for all.", IsRequired: false);
    public static readonly ArgumentSet Inputs = new(Id, Items);

    public static readonly JsonElement OutputSchema = JobViewTools.Parse("""
        {"type": "object", "properties": {
          "job_id": {"type": "string"},
          "thumbnails": {"type": "array", "items": {"type": "object", "properties": {
            "item": {"type": "string", "description": "The batch item's index (as text) or the step's id."},
            "output": {"type": "integer", "minimum": 0, "description": "The output's place in the item's result.local_paths."},
            "mime_type": {"type": "string"}, "data": {"type": "string", "description": "Base64."},
            "width": {"type": "integer"}, "height": {"type": "integer"}
          }, "required": ["item", "output", "mime_type", "data", "width", "height"], "additionalProperties": false}}
        }, "required": ["job_id", "thumbnails"], "additionalProperties": false}
        """);

    public async Task<CallToolResult> AnswerAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var args = Inputs.Read(request.Params?.Arguments);
        var id = args.Read(Id);
        var given = args.Read(Items);
        var keys = given?.Select((e, i) => args.ReadString($"items[{i}]", e, ItemKey)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        args.ThrowIfInvalid();
        var job = Find(id);
        // Decoding full-size outputs is CPU work: off the thread that reads the protocol.
        var thumbnails = await Task.Run(() => ViewThumbnails.Of(job, keys), cancellationToken);
        var answer = new JsonObject
        {
            ["job_id"] = job.Id,
            ["thumbnails"] = new JsonArray([.. thumbnails.Select(t => (JsonNode)new JsonObject
            {
                ["item"] = t.Item,
                ["output"] = t.Output,
                ["mime_type"] = t.MimeType,
                ["data"] = Convert.ToBase64String(t.Bytes),
                ["width"] = t.Width,
                ["height"] = t.Height,
            })]),
        };
        return ToolResults.Structured(answer, string.Create(CultureInfo.InvariantCulture,
            $"{thumbnails.Count} thumbnail{(thumbnails.Count == 1 ? "" : "s")} of {job.Id} ({thumbnails.Sum(t => t.Bytes.Length) / 1024} KB)."));
    }

    private Job Find(string? id)
    {
        try { return finder.Find(id, "job_id", JobKind.Batch); }
        catch (JobLookupException) { }
        try { return finder.Find(id, "job_id", JobKind.Pipeline); }
        catch (JobLookupException) { throw new McpException($"job_id: no batch or pipeline with id {Messages.DisplayText.Quote(id)}. Results are kept ttl_hours (default 1) after the job finished, then they expire."); }
    }
}
