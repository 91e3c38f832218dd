using System.ComponentModel.DataAnnotations;

namespace ReplicateMcp.Downloads;

/// <summary>Where prediction outputs are saved and which hosts they may come from.</summary>
internal sealed class DownloadOptions
{
    /// <summary>Root folder; every download lands in a sub-folder of it.</summary>
    [Required]
    public string DownloadDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Downloads", "replicate-mcp");

    /// <summary>Hosts allowed besides replicate.delivery and the API host; <c>*.example.com</c> allows subdomains.</summary>
    public IReadOnlyList<string> ExtraAllowedHosts { get; set; } = [];

    /// <summary>The Replicate API root; its host is always an allowed download host.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.replicate.com/v1/");

    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 500L * 1024 * 1024;

    [Range(1, 64)]
    public int MaxParallelDownloads { get; set; } = 4;
}
