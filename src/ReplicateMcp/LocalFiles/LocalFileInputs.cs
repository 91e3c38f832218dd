using System.Text.Json;
using ReplicateMcp.Templates;
using ReplicateMcp.Messages;

namespace ReplicateMcp.LocalFiles;

/// <summary>
/// Finds the local files named in an item or step input (CONTRACT §8). Under a property the model's schema marks as a
/// file (<c>format: uri</c>), every string that is not <c>http(s):</c> or <c>data:</c> must be an allowed, readable
/// file. Elsewhere a <c>file:</c> URI is always taken as a file, an absolute path (or <c>~/…</c>) only when it names
/// an existing file inside the allowed folders — so free text such as a prompt is never refused, and whether a file
/// outside the allowed folders exists never shows.
/// </summary>
internal static class LocalFileInputs
{
    /// <summary>
    /// Scans <paramref name="input"/> (an object; nested objects and arrays included). <paramref name="where"/> prefixes
    /// every path (<c>items[3].input</c>); <paramref name="leaveAlone"/> keeps values out of the scan (pipeline
    /// templates, scanned once resolved).
    /// </summary>
    public static LocalFileScan Scan(JsonElement input, string where, IReadOnlySet<string> fileProperties, AllowedFolders folders,
        Func<string, bool>? leaveAlone = null)
    {
        ArgumentNullException.ThrowIfNull(fileProperties);
        ArgumentNullException.ThrowIfNull(folders);
        if (input.ValueKind != JsonValueKind.Object)
            return LocalFileScan.Empty;

        var files = new List<LocalFileReference>();
        var problems = new List<string>();
        var location = new List<object>();
        foreach (var property in input.EnumerateObject())
        {
            location.Add(property.Name);
            Visit(property.Value, JsonPath.Join(where, JsonPath.Property("", property.Name)), location, fileProperties.Contains(property.Name));
            location.RemoveAt(location.Count - 1);
        }

        return files.Count == 0 && problems.Count == 0 ? LocalFileScan.Empty : new LocalFileScan(files, problems);

        void Visit(JsonElement value, string path, List<object> at, bool isFileProperty)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    Classify(value.GetString()!, path, at, isFileProperty);
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var element in value.EnumerateArray())
                    {
                        at.Add(index);
                        Visit(element, JsonPath.Element(path, index), at, isFileProperty);
                        at.RemoveAt(at.Count - 1);
                        index++;
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        at.Add(property.Name);
                        // Below a file property the schema says nothing more: nested values follow the general rule.
                        Visit(property.Value, JsonPath.Property(path, property.Name), at, isFileProperty: false);
                        at.RemoveAt(at.Count - 1);
                    }

                    break;
            }
        }

        void Classify(string text, string path, List<object> at, bool isFileProperty)
        {
            if (leaveAlone?.Invoke(text) == true || IsRemote(text))
                return;

            if (isFileProperty || LocalPath.IsFileUri(text))
            {
                Take(text, folders.Check(text));
                return;
            }

            if (!LocalPath.LooksLikePath(text))
                return;

            // Free text that merely looks like a path stays text unless it names a file inside the allowed folders.
            var check = folders.Check(text);
            if (check.Rule is LocalFileRule.NotAFileReference or LocalFileRule.OutsideAllowedFolders or LocalFileRule.NotFound or LocalFileRule.NotAFile)
                return;
            Take(text, check);

            void Take(string given, FileCheck result)
            {
                if (result.File is { } file)
                    files.Add(new LocalFileReference(path, [.. at], given, file));
                else
                    problems.Add(folders.Describe(path, given, result));
            }
        }
    }

    /// <summary>
    /// Whether any string in <paramref name="input"/> is written as a local path (absolute, <c>~/…</c>, <c>file:</c>):
    /// only then is a model's schema worth fetching to tell files from text when validation is off.
    /// </summary>
    public static bool MentionsLocalPath(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => LocalPath.LooksLikePath(input.GetString()!),
        JsonValueKind.Array => input.EnumerateArray().Any(MentionsLocalPath),
        JsonValueKind.Object => input.EnumerateObject().Any(p => MentionsLocalPath(p.Value)),
        _ => false,
    };

    /// <summary>Values Replicate fetches or decodes itself.</summary>
    public static bool IsRemote(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("data:", StringComparison.OrdinalIgnoreCase);
}
