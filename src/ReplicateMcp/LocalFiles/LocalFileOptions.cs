using System.ComponentModel.DataAnnotations;

namespace ReplicateMcp.LocalFiles;

/// <summary>Which local files may be sent as model inputs, and how (config section <c>LocalFiles</c>).</summary>
internal sealed class LocalFileOptions
{
    /// <summary>Folders besides the download folder whose files may be sent (<c>REPLICATE_MCP_INPUT_DIRS</c>).</summary>
    public IReadOnlyList<string> InputDirectories { get; set; } = [];

    /// <summary>Largest file that is sent at all (Replicate's own limit for <c>POST /files</c> is 100 MB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Files up to this size travel inline as a <c>data:</c> URI; larger ones are uploaded.</summary>
    [Range(0, int.MaxValue)]
    public int MaxInlineBytes { get; set; } = 256 * 1024;
}
