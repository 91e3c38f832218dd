using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>Files uploaded to the simulator with <c>POST /files</c>, the latest <see cref="MaxKept"/> kept so models can read them.</summary>
internal sealed class SimulatedUploads
{
    internal sealed record Upload(string Id, string Name, string ContentType, byte[] Bytes, DateTimeOffset CreatedAt);

    /// <summary>Uploads kept at most: a job sends a file just before the create that reads it, so only recent ones matter.</summary>
    public const int MaxKept = 64;

    private readonly ConcurrentDictionary<string, Upload> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _oldestFirst = new();

    public int Count => _files.Count;

    public Upload? Find(string id) => _files.TryGetValue(id, out var file) ? file : null;

    /// <summary>Stores the multipart body's <c>content</c> part; null when the body has none.</summary>
    public async Task<Upload?> AddAsync(HttpRequestMessage request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (request.Content is null || request.Content.Headers.ContentType?.Parameters
                .FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value is not { } boundary)
            return null;
        var parts = Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken), boundary.Trim('"'));
        if (!parts.TryGetValue("content", out var content))
            return null;
        var name = parts.TryGetValue("filename", out var f) ? Encoding.UTF8.GetString(f.Bytes) : content.FileName ?? "file";
        var type = parts.TryGetValue("type", out var t) ? Encoding.UTF8.GetString(t.Bytes) : content.ContentType ?? "application/octet-stream";
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'A').Replace('/', 'B');
        var upload = new Upload(id, name, type, content.Bytes, now);
        _files[id] = upload;
        _oldestFirst.Enqueue(id);
        // Each upload holds its bytes: forget the oldest rather than grow for the life of a --simulate server.
        while (_files.Count > MaxKept && _oldestFirst.TryDequeue(out var oldest)) _files.TryRemove(oldest, out _);
        return upload;
    }

    /// <summary>The answer Replicate gives (sample 10-file-response-201.json).</summary>
#pragma warning disable CA5351 // Replicate reports an MD5 etag; here it only labels a file, never secures anything.
    public static JsonObject Describe(Upload upload, Uri apiRoot) => new()
    {
        ["id"] = upload.Id,
        ["name"] = upload.Name,
        ["content_type"] = upload.ContentType,
        ["size"] = upload.Bytes.Length,
        ["etag"] = Convert.ToHexStringLower(MD5.HashData(upload.Bytes)),
        ["checksums"] = new JsonObject
        {
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(upload.Bytes)),
            ["md5"] = Convert.ToHexStringLower(MD5.HashData(upload.Bytes)),
        },
        ["metadata"] = new JsonObject(),
        ["created_at"] = upload.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["expires_at"] = upload.CreatedAt.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["urls"] = new JsonObject { ["get"] = new Uri(apiRoot, "files/" + upload.Id).AbsoluteUri },
    };
#pragma warning restore CA5351

    private sealed record Part(byte[] Bytes, string? FileName, string? ContentType);

    private static Dictionary<string, Part> Parse(byte[] body, string boundary)
    {
        var parts = new Dictionary<string, Part>(StringComparer.Ordinal);
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var span = body.AsSpan();
        var start = span.IndexOf(delimiter);
        while (start >= 0)
        {
            var afterDelimiter = start + delimiter.Length;
            var next = span[afterDelimiter..].IndexOf(delimiter);
            if (next < 0) break;
            var part = span.Slice(afterDelimiter, next);
            var headerEnd = part.IndexOf("\r\n\r\n"u8);
            if (headerEnd >= 0)
            {
                var headers = Encoding.UTF8.GetString(part[..headerEnd]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                var data = part[(headerEnd + 4)..];
                if (data.EndsWith("\r\n"u8)) data = data[..^2];
                string? name = null, fileName = null, contentType = null;
                foreach (var header in headers)
                {
                    if (header.StartsWith("Content-Disposition:", StringComparison.OrdinalIgnoreCase)
                        && ContentDispositionHeaderValue.TryParse(header["Content-Disposition:".Length..].Trim(), out var disposition))
                    {
                        name = disposition.Name?.Trim('"');
                        fileName = (disposition.FileNameStar ?? disposition.FileName)?.Trim('"');
                    }
                    else if (header.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
                    {
                        contentType = header["Content-Type:".Length..].Trim();
                    }
                }

                if (name is not null)
                    parts[name] = new Part(data.ToArray(), fileName, contentType);
            }

            start = afterDelimiter + next;
        }

        return parts;
    }
}
