using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;

namespace ReplicateMcp.Downloads;

/// <summary>
/// Saves prediction outputs as <c>&lt;download dir&gt;/&lt;folder&gt;/output-&lt;n&gt;&lt;ext&gt;</c>, only from allowed hosts,
/// size-capped and atomically (temp file, then rename). Failures become values; only cancellation throws.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/>s must not follow redirects themselves and must not carry the API token. One is asked
/// for per download (from IHttpClientFactory in the server), so its pooled handler is renewed over a long-lived
/// process instead of one client being held for life.
/// </remarks>
internal sealed partial class OutputDownloader(Func<HttpClient> createClient, DownloadOptions options, ILogger<OutputDownloader> logger)
{
    private const int MaxRedirects = 5;

    private readonly DownloadHostPolicy _policy = new(options);

    /// <summary>Downloads <paramref name="files"/> into <paramref name="relativeFolder"/>, e.g. <c>&lt;job id&gt;/&lt;item index&gt;</c>.</summary>
    /// <exception cref="ArgumentException">The folder is unsafe or two files share a number (a caller bug).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DownloadOutcome> DownloadAsync(IReadOnlyList<OutputFile> files, string relativeFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var folder = DownloadFolder.Resolve(options.DownloadDirectory, relativeFolder);
        if (files.Any(f => f.Number < 0) || files.DistinctBy(f => f.Number).Count() != files.Count)
        {
            throw new ArgumentException("Output numbers must be distinct and not negative.", nameof(files));
        }

        var paths = new string?[files.Count];
        var errors = new string?[files.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelDownloads),
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, ct) =>
        {
            var file = files[i];
            try
            {
                paths[i] = await DownloadOneAsync(file, folder, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One bad file must not cost the others (or the prediction): record it and carry on.
                var reason = Describe(ex);
                LogFailed(file.Number, folder, reason);
                errors[i] = $"output-{file.Number}: {reason}";
            }
        });

        var failures = errors.OfType<string>().ToList();
        return new DownloadOutcome(paths, failures.Count == 0 ? null : string.Join('\n', failures));
    }

    private async Task<string> DownloadOneAsync(OutputFile file, string folder, CancellationToken cancellationToken)
    {
        if (DataUri.IsDataUri(file.Source))
        {
            var data = DataUri.TryParse(file.Source) ?? throw new DownloadException("malformed data: URI");
            ThrowIfTooLarge(data.Bytes.LongLength);
            var extension = OutputFileExtension.FromMediaType(data.MediaType) ?? OutputFileExtension.Fallback;
            using var source = new MemoryStream(data.Bytes, writable: false);
            return await WriteAsync(source, folder, file.Number, extension, cancellationToken);
        }

        if (!Uri.TryCreate(file.Source, UriKind.Absolute, out var uri))
        {
            throw new DownloadException("not an absolute URL or data: URI");
        }

        using var response = await GetFollowingRedirectsAsync(createClient(), uri, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DownloadException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
        }

        if (response.Content.Headers.ContentLength is { } length)
        {
            ThrowIfTooLarge(length);
        }

        var ext = OutputFileExtension.FromUrl(uri)
            ?? (response.RequestMessage?.RequestUri is { } final ? OutputFileExtension.FromUrl(final) : null)
            ?? OutputFileExtension.FromMediaType(response.Content.Headers.ContentType?.MediaType)
            ?? OutputFileExtension.Fallback;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await WriteAsync(body, folder, file.Number, ext, cancellationToken);
    }

    private async Task<HttpResponseMessage> GetFollowingRedirectsAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        var current = uri;
        for (var redirects = 0; ; redirects++)
        {
            // Checked before every request, so a disallowed URL or redirect target is never contacted.
            if (!_policy.IsAllowed(current))
            {
                throw new DownloadException(redirects == 0
                    ? $"'{current.Scheme}://{current.Authority}' is not an allowed download host"
                    : $"redirect to '{current.Scheme}://{current.Authority}' refused: not an allowed download host");
            }

            LogRequest(current.Host, redirects);
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            var location = response.Headers.Location;
            var status = (int)response.StatusCode;
            response.Dispose();
            if (location is null)
            {
                throw new DownloadException($"HTTP {status} redirect without a Location header");
            }

            if (redirects == MaxRedirects)
            {
                throw new DownloadException($"more than {MaxRedirects} redirects");
            }

            current = new Uri(current, location);
        }
    }

    private async Task<string> WriteAsync(Stream source, string folder, int number, string extension, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var finalPath = Path.Combine(folder, $"output-{number}{extension}");
        // Same folder as the final file so the rename is atomic; the leading dot keeps it out of casual listings.
        var tempPath = Path.Combine(folder, $".output-{number}.{Guid.NewGuid():N}.part");
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            await using (var target = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    // Content-Length may be absent or wrong, so the cap is enforced on what actually arrives.
                    total += read;
                    ThrowIfTooLarge(total);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            File.Move(tempPath, finalPath, overwrite: true);
            LogSaved(finalPath, total);
            return finalPath;
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ThrowIfTooLarge(long bytes)
    {
        if (bytes > options.MaxFileBytes)
        {
            throw new DownloadException($"larger than the {options.MaxFileBytes}-byte limit");
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogTempNotDeleted(ex, path);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string Describe(Exception ex)
    {
        var message = ex switch
        {
            DownloadException => ex.Message,
            OperationCanceledException => "timed out",
            HttpRequestException { InnerException: { } inner } => $"{ex.Message} {inner.Message}",
            _ => ex.Message,
        };
        // Error is one line per file, so a multi-line message must not break that.
        return message.ReplaceLineEndings(" ");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Requesting output from {Host} (redirect {Redirects})")]
    private partial void LogRequest(string host, int redirects);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Saved {Path} ({Bytes} bytes)")]
    private partial void LogSaved(string path, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download of output {Number} into {Folder} failed: {Reason}")]
    private partial void LogFailed(int number, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete temporary file {Path}")]
    private partial void LogTempNotDeleted(Exception exception, string path);
}
