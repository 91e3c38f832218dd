using ReplicateMcp.Jobs;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Status;

/// <summary>
/// How a status text names downloaded files without repeating a long folder on every line. Downloads land in
/// <c>&lt;download dir&gt;/&lt;job id&gt;/&lt;item index | step id&gt;/</c> (contract §5): when every file is there,
/// the header names that folder once and each line gives only the file names; otherwise paths are shown
/// relative to the deepest folder they share, or whole.
/// </summary>
internal sealed class FileNaming
{
    private readonly string? _jobFolder;
    private readonly string? _commonFolder;

    private FileNaming(string? jobFolder, string? commonFolder, string? header)
    {
        _jobFolder = jobFolder;
        _commonFolder = commonFolder;
        Header = header;
    }

    /// <summary>The line that says where the files are; null when there are none.</summary>
    public string? Header { get; }

    public static FileNaming For(Job job, IReadOnlyList<PredictionResult?> results)
    {
        var withFiles = job.Items.Zip(results).Where(p => p.Second is { LocalPaths.Count: > 0 }).ToList();
        if (withFiles.Count == 0) return new FileNaming(null, null, null);

        var jobFolders = withFiles.Select(p => JobFolder(p.First, p.Second!.LocalPaths)).Distinct(StringComparer.Ordinal).ToList();
        if (jobFolders is [{ } jobFolder])
        {
            var unit = job.Kind == JobKind.Batch ? "item index" : "step id";
            return new FileNaming(jobFolder, null, $"Files are in {jobFolder}<{unit}>{Path.DirectorySeparatorChar}");
        }

        var common = CommonFolder(withFiles.SelectMany(p => p.Second!.LocalPaths));
        return new FileNaming(null, common, common is null ? null : $"Files are under {common}");
    }

    public string Show(JobItem item, string path)
    {
        if (_jobFolder is not null)
        {
            var itemFolder = _jobFolder + item.Key + Path.DirectorySeparatorChar;
            if (path.StartsWith(itemFolder, StringComparison.Ordinal)) return path[itemFolder.Length..];
        }
        return _commonFolder is not null && path.StartsWith(_commonFolder, StringComparison.Ordinal) ? path[_commonFolder.Length..] : path;
    }

    /// <summary>The folder above the item's own folder (named by its key) when all its files are in that folder; else null.</summary>
    private static string? JobFolder(JobItem item, IReadOnlyList<string> paths)
    {
        var itemFolder = Path.GetDirectoryName(paths[0]);
        if (itemFolder is null || Path.GetFileName(itemFolder) != item.Key) return null;
        if (paths.Any(p => !p.StartsWith(itemFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))) return null;
        return Path.GetDirectoryName(itemFolder) is { Length: > 0 } parent ? parent.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar : null;
    }

    /// <summary>The deepest folder holding every path (with its trailing separator); null when they share only the root.</summary>
    private static string? CommonFolder(IEnumerable<string> paths)
    {
        string? common = null;
        foreach (var path in paths)
        {
            var folder = Path.GetDirectoryName(path) is { Length: > 0 } d ? d.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar : null;
            if (folder is null) return null;
            if (common is null) { common = folder; continue; }
            while (!folder.StartsWith(common, StringComparison.Ordinal))
            {
                var parent = Path.GetDirectoryName(common.TrimEnd(Path.DirectorySeparatorChar));
                if (string.IsNullOrEmpty(parent) || parent == Path.GetPathRoot(parent)) return null;
                common = parent + Path.DirectorySeparatorChar;
            }
        }
        return common;
    }
}
