using System.Globalization;
using System.IO.Enumeration;

namespace ReplicateMcp.LocalFiles;

/// <summary>A file the model may send: real path, size, last write time (UTC, ISO 8601) and MIME type.</summary>
internal sealed record ListedFile(string Path, long Size, string ModifiedAt, string MimeType);

/// <summary>
/// One page of a folder listing. <paramref name="Truncated"/> says more files matched than <c>limit</c>;
/// <paramref name="AllowedFolders"/> lets a model that gave no folder know where to look.
/// </summary>
internal sealed record FileListing(string? Folder, IReadOnlyList<ListedFile> Files, bool Truncated, IReadOnlyList<string> AllowedFolders);

/// <summary>A folder's or a refused path's problem, with the same text a start-time refusal uses.</summary>
internal sealed class LocalFileRefusedException(string message) : Exception(message);

/// <summary>Lists the files of one allowed folder (not its sub-folders) for <c>replicate_list_files</c>.</summary>
internal static class FileLister
{
    public const int MinLimit = 1;
    public const int MaxLimit = 500;
    public const int DefaultLimit = 100;
    public const string DefaultPattern = "*";

    /// <summary>
    /// Files of <paramref name="folder"/> whose names match <paramref name="pattern"/> (<c>*</c> and <c>?</c>),
    /// sorted by name, at most <paramref name="limit"/>; hidden files and files whose links lead out of the allowed
    /// folders are skipped. A null or empty folder lists nothing but names the allowed folders.
    /// </summary>
    /// <exception cref="LocalFileRefusedException">The folder is outside the allowed folders, hidden, missing or a file.</exception>
    public static FileListing List(AllowedFolders folders, string? folder, string pattern = DefaultPattern, int limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, MinLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        if (string.IsNullOrWhiteSpace(pattern))
            pattern = DefaultPattern;
        if (string.IsNullOrWhiteSpace(folder))
            return new FileListing(null, [], false, folders.Folders);

        var resolved = Refuse(folders, folder);
        var matched = new List<ListedFile>();
        var total = 0;
        var enumeration = new FileSystemEnumerable<FileSystemInfo>(resolved, (ref FileSystemEntry entry) => entry.ToFileSystemInfo(),
            new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && !entry.FileName.StartsWith('.')
                && FileSystemName.MatchesSimpleExpression(pattern, entry.FileName, ignoreCase: true),
        };
        foreach (var entry in enumeration.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // A link in an allowed folder may point anywhere: list it only when it resolves to an allowed file.
            var check = folders.Check(entry.FullName);
            if (check.File is not { } file)
                continue;
            total++;
            if (matched.Count < limit)
            {
                var modified = File.GetLastWriteTimeUtc(file.Path).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                matched.Add(new ListedFile(entry.FullName, file.Size, modified, MimeTypes.ForPath(file.Path)));
            }
        }

        return new FileListing(resolved, matched, total > matched.Count, folders.Folders);
    }

    private static string Refuse(AllowedFolders folders, string folder)
    {
        if (LocalPath.ToFullPath(folder) is not { } full)
            throw new LocalFileRefusedException($"folder: '{folder}' is not a folder path: give an absolute path, ~/… or a file:// URI.");
        var resolved = LocalPath.Resolve(full);
        if (folders.FolderOf(resolved) is not { } root)
            throw new LocalFileRefusedException(LocalFileMessages.Describe("folder", folder, LocalFileRule.OutsideAllowedFolders));
        if (LocalPath.IsHiddenBelow(resolved, root) || (folders.FolderOf(full) is { } givenRoot && LocalPath.IsHiddenBelow(full, givenRoot)))
            throw new LocalFileRefusedException(LocalFileMessages.Describe("folder", folder, LocalFileRule.Hidden));
        if (!Directory.Exists(resolved))
            throw new LocalFileRefusedException(File.Exists(resolved)
                ? $"folder: '{folder}' is a file, not a folder."
                : LocalFileMessages.Describe("folder", folder, LocalFileRule.NotFound));
        return resolved;
    }
}
