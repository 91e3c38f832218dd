using System.Security.Cryptography;
using System.Text;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// Which job an <c>idempotency_key</c> started, for every server on the state folder (CONTRACT §6: keys hold across
/// processes): <c>keys/&lt;kind&gt;-&lt;sha256 of key&gt;</c> holds the job id. It is written, before the job starts,
/// under a lock file every server takes for the look-up and the start together, so two servers never both start.
/// </summary>
internal sealed class IdempotencyKeys(string stateDirectory, TimeProvider time)
{
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(10);

    private string Folder => Path.Combine(stateDirectory, "keys");

    /// <summary>Holds the folder's key lock (across processes) until disposed.</summary>
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, ".lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another server is starting a keyed job: its start takes milliseconds.
                await Task.Delay(LockRetry, time, cancellationToken);
            }
        }
    }

    /// <summary>The id of the job recorded for <paramref name="key"/>, or null.</summary>
    public string? Find(JobKind kind, string key)
    {
        try
        {
            var id = File.ReadAllText(PathOf(kind, key)).Trim();
            return JobIds.IsValid(id) ? id : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Records that <paramref name="key"/> starts <paramref name="jobId"/>: on disk (flushed) or <see cref="StateWriteException"/>.</summary>
    public void Record(JobKind kind, string key, string jobId)
    {
        var path = PathOf(kind, key);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(Encoding.UTF8.GetBytes(jobId));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (IOException) { }
            throw new StateWriteException(Folder, ex);
        }
    }

    /// <summary>Drops the record of a start that was refused, so the key starts nothing.</summary>
    public void Forget(JobKind kind, string key, string jobId)
    {
        if (Find(kind, key) != jobId) return;
        try { File.Delete(PathOf(kind, key)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private string PathOf(JobKind kind, string key) =>
        Path.Combine(Folder, $"{(kind == JobKind.Batch ? "batch" : "pipe")}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}");
}
