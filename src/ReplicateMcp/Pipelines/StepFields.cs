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

    /// <summary>
    /// Like <see cref="From"/> for a step whose files Replicate has removed (CONTRACT §10): every output URL, in
    /// <c>urls</c> and in <c>output</c>, is replaced by the file downloaded from it, which is then sent as a local file.
    /// </summary>
    public static JsonObject FromDownloads(PredictionResult? result)
    {
        if (result is null || result.Urls.Count != result.LocalPaths.Count) return From(result);
        var local = result.Urls.Zip(result.LocalPaths).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var fields = From(result with { Urls = result.LocalPaths });
        fields[TemplateFields.Output] = Replace(fields[TemplateFields.Output], local);
        return fields;
    }

    private static JsonNode? Replace(JsonNode? node, IReadOnlyDictionary<string, string> local) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) && local.TryGetValue(s, out var path) => JsonValue.Create(path),
        JsonArray array => new JsonArray([.. array.Select(e => Replace(e, local))]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Replace(p.Value, local)))),
        _ => node?.DeepClone(),
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
