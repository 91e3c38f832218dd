using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.LocalFiles;
using ReplicateMcp.Templates;

namespace ReplicateMcp.Jobs;

/// <summary>
/// How a job finds the local files in an item's input (CONTRACT §8): the same scan at start (refusals) and when the
/// item starts (what is sent), with the allowed folders the job was started with.
/// </summary>
internal static class JobFileInputs
{
    /// <summary>The configured folders plus the client roots the job was started with.</summary>
    public static AllowedFolders For(this AllowedFolders configured, Job job) => configured.WithClientRoots(job.ClientRoots);

    /// <summary>
    /// Scans <paramref name="input"/> with <paramref name="schema"/>'s file properties (none when the schema is unknown:
    /// then only <c>file://</c> values and absolute paths of allowed files count). Strings holding a pipeline template
    /// are left for the step's start, when they are resolved.
    /// </summary>
    public static LocalFileScan Scan(JsonElement input, string where, JsonObject? schema, AllowedFolders folders, bool leaveTemplates) =>
        LocalFileInputs.Scan(input, where,
            FileInputProperties.FromInputSchema(schema is null ? null : JsonSerializer.SerializeToElement(schema, JobsJsonContext.Default.JsonNode)),
            folders, leaveTemplates ? IsTemplated : null);

    private static bool IsTemplated(string text)
    {
        var parsed = TemplateScanner.Parse(text);
        return parsed.HasReferences || parsed.Errors.Count > 0;
    }
}
