using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Jobs;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// One JSON file per job under <c>&lt;state dir&gt;/jobs</c>, replaced atomically (temp file + rename).
/// Bursts of changes are coalesced; a durable save (a new prediction id) is on disk when it returns, or it throws
/// <see cref="StateWriteException"/>. Every write takes the newest snapshot (by <see cref="Job.Revision"/>), so a
/// racing older update can never land last.
/// </summary>
internal sealed partial class JsonFileJobPersistence : IJobPersistence
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly TimeSpan _coalescing;
    private readonly ILogger<JsonFileJobPersistence> _logger;
    private readonly ConcurrentDictionary<string, Job> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Job> _written = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _scheduled = new(StringComparer.Ordinal);
    private readonly Lock _loading = new();
    private readonly HashSet<string> _warnedNewer = new(StringComparer.Ordinal);
    private Dictionary<string, (DateTime Written, long Length)> _stamps = new(StringComparer.Ordinal);

    public JsonFileJobPersistence(string stateDirectory, TimeSpan coalescing, TimeProvider time, ILogger<JsonFileJobPersistence> logger)
    {
        _directory = Path.Combine(Path.GetFullPath(stateDirectory), "jobs");
        _coalescing = coalescing;
        _time = time;
        _logger = logger;
        Directory.CreateDirectory(_directory);
    }


    public async Task SaveAsync(Job job, bool durable, CancellationToken cancellationToken)
    {
        // Only forward: a save that arrives after a newer one (two updates racing past the store) never replaces it.
        _latest.AddOrUpdate(job.Id, job, (_, known) => job.Revision >= known.Revision ? job : known);
        if (durable)
        {
            await WriteAsync(job.Id, CancellationToken.None);
            return;
        }
        // Only one pending write per job: later changes ride along with it.
        _ = _scheduled.GetOrAdd(job.Id, id =>
        {
            return Task.Run(async () =>
            {
                await Task.Delay(_coalescing, _time, CancellationToken.None);
                _scheduled.TryRemove(id, out _);
                await TryWriteAsync(id, CancellationToken.None);
            }, CancellationToken.None);
        });
    }

    public async Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(jobId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            _latest.TryRemove(jobId, out _);
            _written.TryRemove(jobId, out _);
            File.Delete(PathOf(jobId));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(ex, jobId);
        }
        finally
        {
            gate.Release();
            // The job is gone: drop its gate, so a long-lived server keeps none for expired jobs. A writer still
            // holding this gate finds no latest state and writes nothing.
            _locks.TryRemove(jobId, out _);
        }
    }

    /// <summary>How many per-job write gates are kept (bounded by the jobs not yet deleted).</summary>
    internal int GateCount => _locks.Count;

    /// <summary>Writes every job not yet on disk as it is now; one that cannot be written is logged and the rest go on.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_scheduled.Values);
        foreach (var id in _latest.Keys) await TryWriteAsync(id, cancellationToken);
    }

    public IReadOnlyList<Job> LoadAll() => Load(onlyChanged: false).Changed;

    public JobFileChanges LoadChanged() => Load(onlyChanged: true);

    /// <summary>
    /// Reads the job files (with <paramref name="onlyChanged"/>, those whose write time or length differs from the
    /// last load — the owner replaces a file whole on every save — and never the files this process writes itself)
    /// and remembers what it saw.
    /// </summary>
    private JobFileChanges Load(bool onlyChanged)
    {
        lock (_loading)
        {
            var jobs = new List<Job>();
            var present = new HashSet<string>(StringComparer.Ordinal);
            var stamps = new Dictionary<string, (DateTime Written, long Length)>(StringComparer.Ordinal);
            foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*.json"))
            {
                if (StampOf(file) is not { } stamp) continue; // deleted since it was listed
                var jobId = Path.GetFileNameWithoutExtension(file.Name);
                present.Add(jobId);
                stamps[file.FullName] = stamp;
                if (onlyChanged && ((_stamps.TryGetValue(file.FullName, out var seen) && seen == stamp) || _latest.ContainsKey(jobId))) continue;
                if (ReadForLoad(file.FullName) is { } job) jobs.Add(job);
            }
            _stamps = stamps; // files gone since are forgotten
            return new JobFileChanges(jobs, present);
        }
    }

    private static (DateTime Written, long Length)? StampOf(FileInfo file)
    {
        try
        {
            return (file.LastWriteTimeUtc, file.Length);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private Job? ReadForLoad(string file)
    {
        try
        {
            var job = ReadJobFile(file);
            if (job.Version <= Job.FormatVersion) return job;
            WarnNewerFormat(file, job.Version);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            // A newer server sharing the state dir may write values we cannot read: its file is not ours to move.
            if (ex is JsonException && ReadVersion(file) is { } version && version > Job.FormatVersion)
                WarnNewerFormat(file, version);
            else
                MoveAside(file, ex);
        }
        return null;
    }

    /// <summary>Once per file for the life of the process: a newer server keeps rewriting its files.</summary>
    private void WarnNewerFormat(string file, int version)
    {
        if (_warnedNewer.Add(file)) LogNewerFormat(file, version);
    }

    public Job? TryLoad(string jobId)
    {
        if (!JobIds.IsValid(jobId)) return null;
        try
        {
            // The owner replaces the file atomically, so a read sees one whole snapshot.
            var job = ReadJobFile(PathOf(jobId));
            return job.Version <= Job.FormatVersion ? job : null;
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return null;
        }
    }

    /// <summary>The job in <paramref name="file"/>; <see cref="JsonException"/> when it is not a job file named after its id.</summary>
    private static Job ReadJobFile(string file)
    {
        var job = JsonSerializer.Deserialize(File.ReadAllBytes(file), JobsJsonContext.Default.Job);
        if (job is null || !JobIds.IsValid(job.Id) || Path.GetFileNameWithoutExtension(file) != job.Id)
            throw new JsonException("not a job file");
        return job;
    }

    private static bool IsUnreadable(Exception ex) => ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException;

    /// <summary>The file's <c>version</c> when it is well-formed JSON, else null.</summary>
    private static int? ReadVersion(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("version", out var v) && v.TryGetInt32(out var n) ? n : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void MoveAside(string file, Exception ex)
    {
        var aside = $"{file}.corrupt-{_time.GetUtcNow():yyyyMMddHHmmss}";
        try { File.Move(file, aside, overwrite: true); }
        catch (Exception moveError) when (moveError is IOException or UnauthorizedAccessException) { }
        LogCorrupt(ex, file, aside);
    }

    /// <summary>A write nobody waits for (coalesced, or at stop): a failure is logged and the next save tries again.</summary>
    private async Task TryWriteAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(jobId, cancellationToken);
        }
        catch (StateWriteException ex)
        {
            LogWriteFailed(ex, jobId);
        }
    }

    /// <summary>
    /// Puts the job's latest snapshot on disk — written, flushed to the device and renamed into place — or throws
    /// <see cref="StateWriteException"/>. A snapshot already written by a save queued ahead returns at once.
    /// </summary>
    private async Task WriteAsync(string jobId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(jobId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        string? temp = null;
        try
        {
            if (!_latest.TryGetValue(jobId, out var job)) return; // deleted meanwhile
            if (_written.TryGetValue(jobId, out var written) && ReferenceEquals(written, job)) return;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(job, JobsJsonContext.Default.Job);
            temp = Path.Combine(_directory, $".{jobId}.{Guid.NewGuid():N}.tmp");
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                await stream.WriteAsync(bytes, CancellationToken.None);
                // On the device before the rename: a crash must never leave a renamed file whose bytes never landed.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, PathOf(jobId), overwrite: true);
            temp = null;
            _written[jobId] = job;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A half-written temp file would keep a full disk full.
            if (temp is not null) TryDelete(temp);
            throw new StateWriteException(_directory, ex);
        }
        finally
        {
            gate.Release();
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private string PathOf(string jobId) => Path.Combine(_directory, jobId + ".json");

    [LoggerMessage(Level = LogLevel.Warning, Message = "State file {File} could not be read; moved aside to {Aside}")]
    private partial void LogCorrupt(Exception ex, string file, string aside);

    [LoggerMessage(Level = LogLevel.Warning, Message = "State file {File} has format version {Version}, newer than this server understands; left alone")]
    private partial void LogNewerFormat(string file, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing state of job {JobId} failed")]
    private partial void LogWriteFailed(Exception ex, string jobId);
}
