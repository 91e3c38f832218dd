using System.Globalization;
using System.Text.Json.Nodes;
using ReplicateMcp.Templates;
using ReplicateMcp.Messages;

namespace ReplicateMcp.Mcp;

/// <summary>Model schema and search answers as text: what a model needs to write a valid input, compactly.</summary>
internal static class ModelSummaries
{
    private const int DescriptionChars = 160;

    /// <summary>
    /// The model, then one line per input property in the model's order: name (* = required), type, allowed
    /// values or range, default, and its description shortened; then the output type and the example input.
    /// </summary>
    public static string Schema(ModelSchemaView view)
    {
        var lines = new List<string>
        {
            $"{view.Model} ({(view.IsOfficial ? "official" : "community")}{(view.VersionId is { } v ? ", version " + v : "")})" +
            (view.Description is { Length: > 0 } d ? ": " + DisplayText.Truncate(d.ReplaceLineEndings(" "), DescriptionChars) : ""),
        };
        if (view.InputSchema?["properties"] is JsonObject properties)
        {
            var required = (view.InputSchema["required"] as JsonArray)?.Select(r => r?.GetValue<string>()).ToHashSet() ?? [];
            lines.Add("Inputs (* = required):");
            foreach (var (name, node) in properties.OrderBy(p => Order(p.Value)))
                lines.Add($"- {name}{(required.Contains(name) ? "*" : "")}{Describe(node as JsonObject)}");
        }
        else
        {
            lines.Add("Input schema: not available.");
        }
        if (view.OutputSchema is { } output) lines.Add("Output: " + TypeOf(output));
        if (view.ExampleInput is { } example) lines.Add("Example input: " + DisplayText.Truncate(example.GetRawText().ReplaceLineEndings(" "), 500));
        return string.Join('\n', lines);
    }

    public static string Search(ModelSearchView view, string query)
    {
        var lines = new List<string> { $"{view.Models.Count} {(view.Models.Count == 1 ? "model matches" : "models match")} {DisplayText.Quote(query)}." };
        lines.AddRange(view.Models.Select(m =>
            $"- {m.Model} ({(m.IsOfficial ? "official" : "community")}{(m.RunCount is { } runs ? ", " + runs.ToString("N0", CultureInfo.InvariantCulture) + (runs == 1 ? " run" : " runs") : "")})" +
            (m.Description is { Length: > 0 } d ? ": " + DisplayText.Truncate(d.ReplaceLineEndings(" "), DescriptionChars) : "")));
        return string.Join('\n', lines);
    }

    private static string Describe(JsonObject? property)
    {
        if (property is null) return "";
        var parts = new List<string> { TypeOf(property) };
        if (property["enum"] is JsonArray values) parts.Add("one of " + string.Join("|", values.Select(Compact)));
        var min = property["minimum"];
        var max = property["maximum"];
        if (min is not null || max is not null) parts.Add($"{(min is null ? "" : Compact(min))}–{(max is null ? "" : Compact(max))}");
        if (property.ContainsKey("default")) parts.Add("default " + Compact(property["default"]));
        var description = property["description"]?.GetValue<string>() is { Length: > 0 } d ? ": " + DisplayText.Truncate(d.ReplaceLineEndings(" "), DescriptionChars) : "";
        return " (" + string.Join(", ", parts) + ")" + description;
    }

    private static string TypeOf(JsonObject schema)
    {
        if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray choices)
            return string.Join("|", choices.OfType<JsonObject>().Select(TypeOf));
        var type = schema["type"] is JsonValue t && t.TryGetValue<string>(out var name) ? name : schema.ContainsKey("enum") ? "enum" : "any";
        if (schema["format"] is JsonValue f && f.TryGetValue<string>(out var format)) type += $" ({format})";
        if (type == "array" && schema["items"] is JsonObject items) type += " of " + TypeOf(items);
        return type;
    }

    private static double Order(JsonNode? property) =>
        property is JsonObject o && o["x-order"] is JsonValue v && v.TryGetValue<double>(out var order) ? order : double.MaxValue;

    private static string Compact(JsonNode? node) => node?.ToJsonString(ToolJson.Options) ?? "null";
}
