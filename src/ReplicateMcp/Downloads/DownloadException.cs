namespace ReplicateMcp.Downloads;

/// <summary>A download refused or failed for an explainable reason; its message becomes the file's error line.</summary>
internal sealed class DownloadException(string message) : Exception(message);
