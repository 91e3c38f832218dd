namespace ReplicateMcp.Downloads;

/// <summary>
/// Local paths in the order of the requested files (null where that file failed) and, when anything
/// failed, one line per failed file such as <c>output-1: HTTP 500 Internal Server Error</c>.
/// </summary>
internal sealed record DownloadOutcome(IReadOnlyList<string?> LocalPaths, string? Error);
