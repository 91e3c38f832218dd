using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Predictions;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Pipelines;

/// <summary>A finished step's result as the fields templates can reference.</summary>
internal static class StepFields
{
    public static JsonObject From(PredictionResult? result) => new()
    {
        [TemplateFields.Urls] = new JsonArray([.. (result?.Urls ?? []).Select(u => JsonValue.Create(u))]),
        [TemplateFields.LocalPaths] = new JsonArray([.. (result?.LocalPaths ?? []).Select(p => JsonValue.Create(p))]),
        [TemplateFields.TextOutput] = new JsonArray([.. (result?.TextOutput ?? []).Select(t => JsonValue.Create(t))]),
        [TemplateFields.Output] = ToNode(result?.Output),
        [TemplateFields.PredictionId] = result?.PredictionId,
        [TemplateFields.Metrics] = ToNode(result?.Metrics),
    };

    private static JsonNode? ToNode(JsonElement? e) =>
        e is { ValueKind: not JsonValueKind.Undefined } v ? JsonNode.Parse(v.GetRawText()) : null;

    /// <summary>Top-level input properties whose value holds a reference (checked only once resolved).</summary>
    public static HashSet<string> TemplatedProperties(JsonNode? input) =>
        [.. TemplateResolver.FindReferences(input).References.Select(r => TopLevel(r.Path))];

    private static string TopLevel(string path)
    {
        var end = path.IndexOfAny(['.', '[']);
        return end < 0 ? path : path[..end];
    }
}
