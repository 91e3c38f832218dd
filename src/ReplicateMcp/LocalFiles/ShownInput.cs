using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicateMcp.LocalFiles;

/// <summary>
/// The sent input as status answers show it: an upload's URL as sent, but an inline file as a short note
/// (<c>data:image/png;base64,… (12 KB from ~/photos/a.png)</c>) — a 256 KB base64 string must never flood a status
/// answer or the state file.
/// </summary>
internal static class ShownInput
{
    public static JsonElement Of(JsonElement sent, IReadOnlyList<LocalFileReference> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var root = JsonNode.Parse(sent.GetRawText());
        if (root is null) return sent;
        foreach (var reference in files)
        {
            var parent = root;
            for (var i = 0; i < reference.Location.Count - 1 && parent is not null; i++)
                parent = reference.Location[i] is string name ? parent[name] : parent[(int)reference.Location[i]];
            if (parent is null) continue;
            var key = reference.Location[^1];
            var value = key is string n ? parent[n] : parent[(int)key];
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                var note = Note(text, reference);
                if (key is string property) parent.AsObject()[property] = note;
                else parent.AsArray()[(int)key] = note;
            }
        }

        return JsonSerializer.SerializeToElement(root, LocalFilesJsonContext.Default.JsonNode);
    }

    private static string Note(string dataUri, LocalFileReference reference)
    {
        var comma = dataUri.IndexOf(',', StringComparison.Ordinal);
        var head = comma < 0 ? "data:" : dataUri[..(comma + 1)];
        var size = reference.File.Size < 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{reference.File.Size} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{reference.File.Size / 1024.0:0.#} KB");
        return $"{head}… ({size} from {reference.Given})";
    }
}
