using System.Text.RegularExpressions;

namespace ReplicateMcp.Downloads;

/// <summary>Maps a relative folder such as <c>job/3</c> to a full path that cannot leave the download directory.</summary>
internal static partial class DownloadFolder
{
    /// <summary>Returns the full path of <paramref name="relativeFolder"/> under <paramref name="downloadDirectory"/>.</summary>
    /// <exception cref="ArgumentException">A segment is unsafe or the result would leave the download directory.</exception>
    public static string Resolve(string downloadDirectory, string relativeFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(downloadDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(relativeFolder);

        // Callers validate ids before they get here, so a bad segment is a bug: fail loudly rather than sanitise.
        var segments = relativeFolder.Split('/');
        foreach (var segment in segments)
        {
            if (!SafeSegment().IsMatch(segment) || segment is "." or "..")
            {
                throw new ArgumentException(
                    $"'{relativeFolder}' is not a safe download folder: segment '{segment}' must match [A-Za-z0-9_.-]+ and not be '.' or '..'.",
                    nameof(relativeFolder));
            }
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(downloadDirectory));
        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativeFolder}' resolves outside the download directory.", nameof(relativeFolder));
        }

        return full;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex SafeSegment();
}
