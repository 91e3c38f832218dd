using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ReplicateMcp.Tests.TestUtilities;

/// <summary>Reads a recorded multipart/form-data body into its parts, by part name.</summary>
internal sealed class MultipartReaderForm(string contentType, byte[] body)
{
    internal sealed record Part(byte[] Bytes, string? FileName, string? ContentType)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes);
    }

    public async Task<IReadOnlyDictionary<string, Part>> ReadAsync(CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(body));
        var parts = new Dictionary<string, Part>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer, cancellationToken);
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
            parts[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] = new Part(buffer.ToArray(), string.IsNullOrEmpty(fileName) ? null : fileName,
                section.ContentType);
        }

        return parts;
    }
}
