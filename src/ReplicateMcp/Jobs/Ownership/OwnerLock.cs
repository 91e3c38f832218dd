using System.Diagnostics;

namespace ReplicateMcp.Jobs.Ownership;

/// <summary>
/// This process's owner lock: <c>&lt;state dir&gt;/owners/&lt;owner id&gt;.lock</c>, held open with an exclusive lock for the
/// process's whole life. The kernel drops the lock the moment the process dies — <c>kill -9</c>, crash, a zombie not yet
/// reaped — so "can the file be locked?" tells whether an owner is gone, where a pid could be reused or linger
/// (CONTRACT §6). Disposing it (a server quitting) releases every job the process owned at once.
/// </summary>
internal sealed class OwnerLock : IDisposable
{
    private readonly FileStream _held;

    private OwnerLock(string ownerId, string path, FileStream held)
    {
        OwnerId = ownerId;
        Path = path;
        _held = held;
    }

    /// <summary>"pid-starttime", unique on this machine even when pids are reused.</summary>
    public string OwnerId { get; }

    public string Path { get; }

    /// <summary>Takes this process's lock in <paramref name="stateDirectory"/>.</summary>
    public static OwnerLock Acquire(string stateDirectory)
    {
        using var self = Process.GetCurrentProcess();
        var ownerId = $"{self.Id}-{self.StartTime.ToUniversalTime().Ticks}";
        var folder = OwnerLocks.Folder(stateDirectory);
        Directory.CreateDirectory(folder);
        var path = OwnerLocks.PathOf(stateDirectory, ownerId);

        // Locked under a temporary name first and then renamed (the lock stays with the file): a sweeper can never
        // find the final name unlocked and take a starting owner for a dead one.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var held = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            File.Move(temporary, path, overwrite: true);
            return new OwnerLock(ownerId, path, held);
        }
        catch
        {
            held.Dispose();
            File.Delete(temporary);
            throw;
        }
    }

    public void Dispose()
    {
        // Deleted before it is closed, so no one can see it unlocked and still there.
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        _held.Dispose();
    }
}
