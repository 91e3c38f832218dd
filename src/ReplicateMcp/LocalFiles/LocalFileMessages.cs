using System.Globalization;

namespace ReplicateMcp.LocalFiles;

/// <summary>The one sentence for each refusal rule, so start-time refusals and the file listing say the same thing.</summary>
internal static class LocalFileMessages
{
    /// <summary>
    /// <paramref name="where"/> is the JSON path of the value (<c>items[3].input.image</c>), or the argument name;
    /// <paramref name="given"/> is the value as the user wrote it.
    /// </summary>
    public static string Describe(string where, string given, LocalFileRule rule, long size = 0, long maxBytes = 0, string? reason = null)
    {
        var subject = $"{where}: '{given}'";
        return rule switch
        {
            LocalFileRule.NotAFileReference =>
                $"{subject} is not a file this model input can take: give an http(s) URL, a data: URI, or a local file as an absolute path, ~/… or a file:// URI.",
            LocalFileRule.OutsideAllowedFolders =>
                $"{subject} is outside the allowed folders: only files in the download folder, in REPLICATE_MCP_INPUT_DIRS or in the client's roots are sent (replicate_list_files shows them).",
            LocalFileRule.Hidden =>
                $"{subject} is hidden (a file or folder name starting with '.'): hidden files are never sent.",
            LocalFileRule.NotFound =>
                $"{subject} does not exist.",
            LocalFileRule.NotAFile =>
                $"{subject} is a folder, not a file.",
            LocalFileRule.TooLarge =>
                $"{subject} is {FormatBytes(size)}: at most {FormatBytes(maxBytes)} a file is sent.",
            LocalFileRule.Unreadable =>
                $"{subject} cannot be read ({reason ?? "access denied"}).",
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
        };
    }

    /// <summary>Sizes as people read them: "104857600 bytes (100 MB)".</summary>
    public static string FormatBytes(long bytes) =>
        bytes >= 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes ({bytes / (1024.0 * 1024):0.#} MB)")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}
