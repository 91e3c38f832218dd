namespace ReplicateMcp.Jobs.Ownership;

/// <summary>Reads other processes' owner locks (see <see cref="OwnerLock"/>).</summary>
internal static class OwnerLocks
{
    public static string Folder(string stateDirectory) => System.IO.Path.Combine(stateDirectory, "owners");

    public static string PathOf(string stateDirectory, string ownerId)
    {
        if (ownerId.Length == 0 || ownerId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
            throw new ArgumentException($"owner id '{ownerId}' is not of the form pid-starttime.", nameof(ownerId));
        return System.IO.Path.Combine(Folder(stateDirectory), ownerId + ".lock");
    }

    /// <summary>Whether the owner still holds its lock. No file, or a file anyone can lock, means the owner is gone.</summary>
    public static bool IsAlive(string stateDirectory, string ownerId)
    {
        var path = PathOf(stateDirectory, ownerId);
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            // Free: the owner is dead. The file goes, so the next look is cheaper (nobody can take this id again).
            File.Delete(path);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            // Locked by a live process.
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's file we may not open: never adopt on a guess.
            return true;
        }
    }
}
