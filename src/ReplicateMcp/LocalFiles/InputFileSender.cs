using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.LocalFiles;

/// <summary>
/// Turns checked local files into what Replicate is sent: a <c>data:</c> URI for small files, otherwise the
/// <c>urls.get</c> of a <c>POST /files</c> upload. Each distinct content (by SHA-256) is uploaded once per process;
/// callers that need the same file at the same time share that one upload.
/// </summary>
internal sealed class InputFileSender(IReplicateClient client, IOptions<LocalFileOptions> options, TimeProvider timeProvider)
{
    // Replicate keeps an upload for a day; re-upload when less than this is left, so a prediction never gets a dead URL.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Lazy<Task<UploadedFile>>> _uploads = new(StringComparer.Ordinal);
    private int _inlined;
    private int _uploaded;

    /// <summary>Files sent inline so far.</summary>
    public int InlinedCount => Volatile.Read(ref _inlined);

    /// <summary>Uploads made so far (shared and repeated sends of one file count once).</summary>
    public int UploadCount => Volatile.Read(ref _uploaded);

    /// <summary>
    /// What to put in the input in place of <paramref name="file"/>. The file is read again here (it may have changed
    /// since the start-time check); a file that grew past the limit or cannot be read throws <see cref="IOException"/>
    /// with a message naming it, which fails the item.
    /// </summary>
    public async Task<string> SendAsync(CheckedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var bytes = await ReadAsync(file.Path, options.Value.MaxFileBytes, cancellationToken);
        var mimeType = MimeTypes.ForPath(file.Path);
        if (bytes.Length <= options.Value.MaxInlineBytes)
        {
            Interlocked.Increment(ref _inlined);
            return $"data:{mimeType};base64,{Convert.ToBase64String(bytes)}";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        while (true)
        {
            var upload = _uploads.GetOrAdd(hash, _ => new Lazy<Task<UploadedFile>>(() => UploadAsync(Path.GetFileName(file.Path), mimeType, bytes)));
            UploadedFile uploaded;
            try
            {
                uploaded = await upload.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed upload is not remembered: the next item that needs the file tries again.
                _uploads.TryRemove(new KeyValuePair<string, Lazy<Task<UploadedFile>>>(hash, upload));
                throw;
            }

            if (uploaded.ExpiresAt is not { } expires || expires - timeProvider.GetUtcNow() > ExpiryMargin)
                return uploaded.Urls.Get;
            _uploads.TryRemove(new KeyValuePair<string, Lazy<Task<UploadedFile>>>(hash, upload));
        }
    }

    /// <summary>
    /// <paramref name="input"/> with every file of <paramref name="files"/> replaced by what <see cref="SendAsync"/> gives.
    /// </summary>
    /// <exception cref="LocalFileSendException">A file could not be read or uploaded; the message names it and where it was.</exception>
    public async Task<JsonElement> ReplaceAsync(JsonElement input, IReadOnlyList<LocalFileReference> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            return input;

        var root = JsonNode.Parse(input.GetRawText())!;
        foreach (var reference in files)
        {
            string sent;
            try
            {
                sent = await SendAsync(reference.File, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LocalFileSendException($"{reference.JsonPath}: '{reference.Given}' could not be sent ({ex.Message}).", ex);
            }

            var parent = root;
            for (var i = 0; i < reference.Location.Count - 1; i++)
                parent = Step(parent, reference.Location[i]);
            switch (reference.Location[^1])
            {
                case string name: parent.AsObject()[name] = sent; break;
                case int index: parent.AsArray()[index] = sent; break;
            }
        }

        return JsonSerializer.SerializeToElement(root, LocalFilesJsonContext.Default.JsonNode);

        static JsonNode Step(JsonNode node, object key) => key switch
        {
            string name => node[name]!,
            int index => node[index]!,
            _ => throw new ArgumentException($"Unexpected location segment '{key}'.", nameof(files)),
        };
    }

    private async Task<UploadedFile> UploadAsync(string fileName, string mimeType, byte[] bytes)
    {
        // Not tied to any one caller's token: others may be waiting on this upload too.
        var uploaded = await client.UploadFileAsync(fileName, mimeType, bytes, CancellationToken.None);
        Interlocked.Increment(ref _uploaded);
        return uploaded;
    }

    private static async Task<byte[]> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
            if (stream.Length > maxBytes)
                throw new IOException($"'{path}' is now {LocalFileMessages.FormatBytes(stream.Length)}: at most {LocalFileMessages.FormatBytes(maxBytes)} a file is sent.");
            using var buffer = new MemoryStream((int)stream.Length);
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException($"'{path}' cannot be read any more ({ex.GetType().Name}: {ex.Message}).", ex);
        }
    }
}

/// <summary>A local file of an input could not be read or uploaded when its item started: that item fails with this message.</summary>
internal sealed class LocalFileSendException(string message, Exception inner) : Exception(message, inner);
