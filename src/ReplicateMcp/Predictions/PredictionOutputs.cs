using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Predictions;

/// <summary>Reads the parts the contract names out of a model's raw output, whatever its shape.</summary>
internal static class PredictionOutputs
{
    private const int LogsTailChars = 500;

    /// <summary>Every http(s) URL and every <c>data:</c> URI, in document order.</summary>
    public static (IReadOnlyList<string> Urls, IReadOnlyList<string> DataUris) FindFiles(JsonElement? output)
    {
        var urls = new List<string>();
        var data = new List<string>();
        if (output is { } o) Walk(o, urls, data);
        return (urls, data);
    }

    /// <summary>Text output as one string: LLMs answer with token arrays, which are concatenated.</summary>
    public static IReadOnlyList<string> Text(JsonElement? output)
    {
        switch (output)
        {
            case { ValueKind: JsonValueKind.String } s when !IsFile(s.GetString()!):
                return [s.GetString()!];
            case { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0
                && a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && !IsFile(e.GetString()!)):
                var sb = new StringBuilder();
                foreach (var token in a.EnumerateArray()) sb.Append(token.GetString());
                return [sb.ToString()];
            default:
                return [];
        }
    }

    /// <summary>The raw output with each decoded <c>data:</c> URI replaced by its file path.</summary>
    public static JsonElement? ReplaceDataUris(JsonElement? output, IReadOnlyDictionary<string, string> pathByDataUri)
    {
        if (output is not { } o || pathByDataUri.Count == 0) return output;
        var node = JsonNode.Parse(o.GetRawText());
        var replaced = Replace(node, pathByDataUri);
        using var document = JsonDocument.Parse(replaced?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    public static string? LogsTail(string? logs) =>
        string.IsNullOrEmpty(logs) ? null : logs.Length <= LogsTailChars ? logs : "…" + logs[^LogsTailChars..];

    private static JsonNode? Replace(JsonNode? node, IReadOnlyDictionary<string, string> map) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && map.TryGetValue(s, out var path) => JsonValue.Create(path),
        JsonArray a => new JsonArray([.. a.Select(e => Replace(e?.DeepClone(), map))]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Replace(p.Value?.DeepClone(), map)))),
        _ => node,
    };

    private static void Walk(JsonElement e, List<string> urls, List<string> data)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (IsUrl(s)) urls.Add(s);
                else if (s.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) data.Add(s);
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) Walk(item, urls, data);
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Walk(p.Value, urls, data);
                break;
        }
    }

    private static bool IsUrl(string s) =>
        (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        && Uri.TryCreate(s, UriKind.Absolute, out _);

    private static bool IsFile(string s) => IsUrl(s) || s.StartsWith("data:", StringComparison.OrdinalIgnoreCase);
}
