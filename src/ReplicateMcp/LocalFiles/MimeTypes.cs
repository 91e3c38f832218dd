using System.Collections.Frozen;

namespace ReplicateMcp.LocalFiles;

/// <summary>MIME types by file extension, for files sent as inputs and listed for the model.</summary>
internal static class MimeTypes
{
    public const string Fallback = "application/octet-stream";

    private static readonly FrozenDictionary<string, string> ByExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".jfif"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".bmp"] = "image/bmp",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        [".heic"] = "image/heic",
        [".heif"] = "image/heif",
        [".avif"] = "image/avif",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
        [".mp4"] = "video/mp4",
        [".m4v"] = "video/mp4",
        [".mov"] = "video/quicktime",
        [".webm"] = "video/webm",
        [".mkv"] = "video/x-matroska",
        [".avi"] = "video/x-msvideo",
        [".mp3"] = "audio/mpeg",
        [".wav"] = "audio/wav",
        [".ogg"] = "audio/ogg",
        [".oga"] = "audio/ogg",
        [".flac"] = "audio/flac",
        [".m4a"] = "audio/mp4",
        [".aac"] = "audio/aac",
        [".opus"] = "audio/opus",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".csv"] = "text/csv",
        [".json"] = "application/json",
        [".jsonl"] = "application/jsonl",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".tar"] = "application/x-tar",
        [".gz"] = "application/gzip",
        [".glb"] = "model/gltf-binary",
        [".gltf"] = "model/gltf+json",
        [".obj"] = "model/obj",
        [".safetensors"] = Fallback,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The MIME type for <paramref name="path"/>'s extension, or <see cref="Fallback"/>.</summary>
    public static string ForPath(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : Fallback;

    public static bool IsImage(string mimeType) => mimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
}
