using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ReplicateMcp.Downloads;

/// <summary>Picks the extension of a saved output from its URL or its media type.</summary>
internal static partial class OutputFileExtension
{
    /// <summary>Used when neither the URL nor the media type says what the file is.</summary>
    public const string Fallback = ".bin";

    private static readonly FrozenDictionary<string, string> ByMediaType = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = ".png",
        ["image/jpeg"] = ".jpg",
        ["image/jpg"] = ".jpg",
        ["image/webp"] = ".webp",
        ["image/gif"] = ".gif",
        ["image/svg+xml"] = ".svg",
        ["image/avif"] = ".avif",
        ["image/bmp"] = ".bmp",
        ["image/tiff"] = ".tiff",
        ["video/mp4"] = ".mp4",
        ["video/webm"] = ".webm",
        ["video/quicktime"] = ".mov",
        ["audio/wav"] = ".wav",
        ["audio/wave"] = ".wav",
        ["audio/x-wav"] = ".wav",
        ["audio/mpeg"] = ".mp3",
        ["audio/mp3"] = ".mp3",
        ["audio/ogg"] = ".ogg",
        ["audio/flac"] = ".flac",
        ["audio/aac"] = ".aac",
        ["text/plain"] = ".txt",
        ["text/csv"] = ".csv",
        ["text/markdown"] = ".md",
        ["application/json"] = ".json",
        ["application/pdf"] = ".pdf",
        ["application/zip"] = ".zip",
        ["model/gltf-binary"] = ".glb",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The lowercased extension of the URL path's last segment, or null when it has none or an odd one.</summary>
    public static string? FromUrl(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var path = uri.AbsolutePath;
        var name = path[(path.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        if (dot < 0)
        {
            return null;
        }

        var extension = name[dot..].ToLowerInvariant();
        return SafeExtension().IsMatch(extension) ? extension : null;
    }

    /// <summary>The extension for a media type such as <c>image/png</c> (parameters ignored), or null when unknown.</summary>
    public static string? FromMediaType(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return null;
        }

        var bare = mediaType.Split(';')[0].Trim();
        return ByMediaType.GetValueOrDefault(bare);
    }

    [GeneratedRegex("^\\.[a-z0-9]{1,8}$")]
    private static partial Regex SafeExtension();
}
