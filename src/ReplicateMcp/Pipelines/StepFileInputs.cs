using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Pipelines;

/// <summary>
/// How the local files in an item's input are found (CONTRACT §8): the same scan at start (refusals) and when the
/// item starts (what is sent).
/// </summary>
internal static class StepFileInputs
{
    /// <summary>
    /// Scans <paramref name="input"/> with <paramref name="schema"/>'s file properties (none when the schema is unknown:
    /// then only <c>file://</c> values and absolute paths of allowed files count). Strings holding a pipeline template
    /// are left for the step's start, when they are resolved.
    /// </summary>
    public static LocalFileScan Scan(JsonElement input, string where, JsonObject? schema, AllowedFolders folders, bool leaveTemplates) =>
        LocalFileInputs.Scan(input, where,
            FileInputProperties.FromInputSchema(schema is null ? null : JsonSerializer.SerializeToElement(schema, LocalFilesJsonContext.Default.JsonNode)),
            folders, leaveTemplates ? IsTemplated : null);

    private static bool IsTemplated(string text)
    {
        var parsed = TemplateScanner.Parse(text);
        return parsed.HasReferences || parsed.Errors.Count > 0;
    }
}
