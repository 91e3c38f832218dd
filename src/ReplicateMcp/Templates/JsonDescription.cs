using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Templates;

/// <summary>Describes a JSON value in a few words for error messages, e.g. <c>an array of 2</c>.</summary>
internal static class JsonDescription
{
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray array => $"an array of {array.Count}",
        JsonObject obj => obj.Count == 0 ? "an empty object" : $"an object (keys: {Keys(obj)})",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => $"a string {DisplayText.Quote(value.GetValue<string>())}",
            JsonValueKind.Number => $"a number {DisplayText.Truncate(value.ToJsonString())}",
            JsonValueKind.True or JsonValueKind.False => $"a boolean {value.ToJsonString()}",
            JsonValueKind.Null => "null",
            var kind => $"a {kind.ToString().ToLowerInvariant()}",
        },
        _ => "an unknown value",
    };

    /// <summary>The object's keys, comma-separated, cut short for huge objects.</summary>
    public static string Keys(JsonObject obj)
    {
        const int Shown = 20;
        var keys = string.Join(", ", obj.Take(Shown).Select(p => p.Key));
        return obj.Count > Shown ? $"{keys}, … ({obj.Count} in all)" : keys;
    }
}
