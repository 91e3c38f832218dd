namespace ReplicateMcp.LocalFiles;

/// <summary>Turns what a user wrote (<c>/abs/path</c>, <c>~/…</c>, <c>file://…</c>) into the real path it names.</summary>
internal static class LocalPath
{
    /// <summary>Whether <paramref name="text"/> is written as a local path: absolute, <c>~/…</c> or a <c>file:</c> URI.</summary>
    public static bool LooksLikePath(string text) =>
        IsFileUri(text) || IsHomeRelative(text) || (text.Length > 1 && Path.IsPathFullyQualified(text));

    public static bool IsFileUri(string text) => text.StartsWith("file:", StringComparison.OrdinalIgnoreCase);

    public static bool IsHomeRelative(string text) =>
        text == "~" || text.StartsWith("~/", StringComparison.Ordinal) || (OperatingSystem.IsWindows() && text.StartsWith("~\\", StringComparison.Ordinal));

    /// <summary>
    /// The absolute, normalised path <paramref name="text"/> names (<c>~</c> expanded, <c>..</c> collapsed), without
    /// following links; null when it is not written as a local path or names another machine (<c>file://host/…</c>).
    /// </summary>
    public static string? ToFullPath(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string path;
        if (IsFileUri(text))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsFile
                || !(uri.IsLoopback || string.IsNullOrEmpty(uri.Host)) || uri.IsUnc)
                return null;
            path = uri.LocalPath;
        }
        else if (IsHomeRelative(text))
        {
            path = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), text.Length > 1 ? text[2..] : "");
        }
        else
        {
            path = text;
        }

        if (path.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(path))
            return null;
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
    }

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link on it followed, segment by segment, so the result names
    /// the real place on disk. Segments that do not exist are kept as written.
    /// </summary>
    public static string Resolve(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "";
        var current = root;
        var segments = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var next = Path.Join(current, segments[i]);
            FileSystemInfo info = new FileInfo(next);
            if (info.LinkTarget is null)
            {
                current = next;
                continue;
            }

            try
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                // A link's target may itself lie on a linked folder: resolve that target from its root again.
                current = target is null ? next : Resolve(Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.FullName)));
            }
            catch (IOException)
            {
                // A link loop, or one too deep to follow: it names no readable file; keep it as written.
                current = next;
            }
        }

        return current.Length == 0 ? fullPath : current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies below it (both resolved).</summary>
    public static bool IsWithin(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(path, folder, comparison))
            return true;
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison);
    }

    /// <summary>Whether any segment of <paramref name="path"/> below <paramref name="folder"/> starts with a dot.</summary>
    public static bool IsHiddenBelow(string path, string folder)
    {
        var rest = path.Length > folder.Length ? path[folder.Length..] : "";
        return rest.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Any(s => s.StartsWith('.'));
    }
}
