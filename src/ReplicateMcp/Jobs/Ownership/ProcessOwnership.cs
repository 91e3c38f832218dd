using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs.Ownership;

/// <summary>
/// This process as the owner of its jobs: its <see cref="OwnerLock"/> in the state directory, held from the first
/// use to <see cref="Release"/> (the end of the host's stop, after the last state is saved). Whether another job's
/// owner is alive is asked of its lock, never of its pid (a zombie or a reused pid would fool that).
/// </summary>
internal sealed class ProcessOwnership : IDisposable
{
    private readonly Lock _gate = new();
    private OwnerLock? _lock;

    public ProcessOwnership(IOptions<JobStoreOptions> options)
    {
        var directory = options.Value.StateDirectory;
        StateDirectory = string.IsNullOrWhiteSpace(directory) ? null : Path.GetFullPath(directory);
        if (StateDirectory is null)
        {
            // Memory only: nobody else can see the jobs, so nothing needs a lock.
            using var self = Process.GetCurrentProcess();
            OwnerId = $"{self.Id}-{self.StartTime.ToUniversalTime().Ticks}";
            return;
        }
        _lock = OwnerLock.Acquire(StateDirectory);
        OwnerId = _lock.OwnerId;
    }

    /// <summary>This process's owner id ("pid-startticks"), recorded on every job it runs.</summary>
    public string OwnerId { get; }

    /// <summary>The full state directory, or null when jobs are kept in memory only.</summary>
    public string? StateDirectory { get; }

    /// <summary>Whether the process that runs <paramref name="job"/> is alive (this one, or another holding its lock).</summary>
    public bool OwnerIsAlive(Job job)
    {
        if (job.OwnerId is not { } ownerId) return job.Owner?.IsAlive() == true; // format 1: an older server's pid
        if (ownerId == OwnerId) return true;
        return StateDirectory is not null && OwnerLocks.IsAlive(StateDirectory, ownerId);
    }

    /// <summary>The pid part of the job's owner, for messages; null when none is recorded.</summary>
    public static int? ProcessIdOf(Job job) =>
        job.OwnerId is { } id && int.TryParse(id.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid
        : job.Owner?.ProcessId;

    /// <summary>Drops the lock: every unfinished job of this process is free for another server at once.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _lock?.Dispose();
            _lock = null;
        }
    }

    public void Dispose() => Release();
}
