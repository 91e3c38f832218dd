using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;

namespace ReplicateMcp.LocalFiles;

/// <summary>
/// The folders whose files may leave the machine: the download folder, <c>REPLICATE_MCP_INPUT_DIRS</c>, and the
/// client's roots when it declares any. Every path is checked after it is resolved (links followed, <c>..</c>
/// collapsed), so a link inside an allowed folder cannot lead out of it.
/// </summary>
/// <remarks>
/// An allowed folder itself may lie below hidden folders (a temp dir, <c>~/.cache/…</c>): the user named it, so only
/// names below it count as hidden. A path outside every folder gets one answer whether or not it exists: nothing
/// outside is looked at beyond following the links on the path itself.
/// </remarks>
internal sealed class AllowedFolders
{
    private readonly long _maxFileBytes;

    public AllowedFolders(IEnumerable<string> folders, long maxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFileBytes);
        _maxFileBytes = maxFileBytes;
        Folders = [.. folders
            .Select(f => LocalPath.ToFullPath(f.Trim()))
            .OfType<string>()
            .Select(LocalPath.Resolve)
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The download folder and the configured input folders.</summary>
    public static AllowedFolders FromOptions(IOptions<DownloadOptions> downloads, IOptions<LocalFileOptions> localFiles) =>
        new([downloads.Value.DownloadDirectory, .. localFiles.Value.InputDirectories], localFiles.Value.MaxFileBytes);

    /// <summary>The allowed folders, resolved, in the order given.</summary>
    public IReadOnlyList<string> Folders { get; }

    public long MaxFileBytes => _maxFileBytes;

    /// <summary>
    /// These folders plus the client's roots (<c>file://</c> URIs from MCP <c>roots/list</c>); roots that are not
    /// local <c>file:</c> URIs are ignored.
    /// </summary>
    public AllowedFolders WithClientRoots(IEnumerable<string> rootUris)
    {
        ArgumentNullException.ThrowIfNull(rootUris);
        var roots = rootUris.Where(LocalPath.IsFileUri).Select(LocalPath.ToFullPath).OfType<string>().ToList();
        return roots.Count == 0 ? this : new AllowedFolders([.. Folders, .. roots], _maxFileBytes);
    }

    /// <summary>The allowed folder that holds <paramref name="resolvedPath"/>, or null.</summary>
    public string? FolderOf(string resolvedPath) =>
        Folders.Where(f => LocalPath.IsWithin(resolvedPath, f)).OrderByDescending(f => f.Length).FirstOrDefault();

    /// <summary>
    /// Checks <paramref name="given"/> (absolute path, <c>~/…</c> or <c>file:</c> URI) against every rule, in this
    /// order: a local path at all, inside the folders, not hidden, exists, a regular file, not too large, readable.
    /// </summary>
    public FileCheck Check(string given)
    {
        ArgumentNullException.ThrowIfNull(given);
        if (LocalPath.ToFullPath(given) is not { } full)
            return FileCheck.Refused(LocalFileRule.NotAFileReference);

        var resolved = LocalPath.Resolve(full);
        if (FolderOf(resolved) is not { } folder)
            return FileCheck.Refused(LocalFileRule.OutsideAllowedFolders);

        // Hidden by the name the user gave too: a link called ".env" that points at a plain file is still refused.
        var givenFolder = FolderOf(full);
        if (resolved == folder || LocalPath.IsHiddenBelow(resolved, folder) || (givenFolder is not null && LocalPath.IsHiddenBelow(full, givenFolder)))
            return resolved == folder ? FileCheck.Refused(LocalFileRule.NotAFile) : FileCheck.Refused(LocalFileRule.Hidden);

        FileInfo info = new(resolved);
        if (!info.Exists)
            return Directory.Exists(resolved) ? FileCheck.Refused(LocalFileRule.NotAFile) : FileCheck.Refused(LocalFileRule.NotFound);
        if (info.Length > _maxFileBytes)
            return FileCheck.Refused(LocalFileRule.TooLarge, info.Length);

        try
        {
            using var stream = new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return FileCheck.Refused(LocalFileRule.Unreadable, reason: ex is UnauthorizedAccessException ? "access denied" : ex.Message);
        }

        return new FileCheck(new CheckedFile(resolved, info.Length), null);
    }

    /// <summary>The refusal message for a failed <see cref="Check"/>.</summary>
    public string Describe(string where, string given, FileCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return LocalFileMessages.Describe(where, given, check.Rule ?? throw new ArgumentException("The check passed.", nameof(check)),
            check.Size, _maxFileBytes, check.Reason);
    }
}
