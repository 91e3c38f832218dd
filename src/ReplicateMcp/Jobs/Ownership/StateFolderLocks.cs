namespace ReplicateMcp.Jobs.Ownership;

/// <summary>
/// Whether the state folder gives exclusive file locks, which ownership rests on (<see cref="OwnerLock"/>). A network
/// share, or <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>, can make <see cref="FileShare.None"/> lock nothing: every
/// owner would then look dead and two servers would run one job. Checked once at start.
/// </summary>
internal static class StateFolderLocks
{
    /// <summary>Null when a second exclusive open of a locked file is refused, as it must be; else the one line to show.</summary>
    public static string? Problem(string stateDirectory)
    {
        var folder = OwnerLocks.Folder(stateDirectory);
        Directory.CreateDirectory(folder);
        var probe = Path.Combine(folder, $".lock-probe-{Guid.NewGuid():N}");
        try
        {
            using var first = new FileStream(probe, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            try
            {
                using var second = new FileStream(probe, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return null; // refused: locks work
            }
            var disabled = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is { Length: > 0 } value ? $" (DOTNET_SYSTEM_IO_DISABLEFILELOCKING={value} is set)" : " (a network share?)";
            return $"the state folder {stateDirectory} does not support exclusive file locks{disabled}, so two servers sharing it could run one job and pay twice. " +
                "Set REPLICATE_MCP_STATE_DIR to a folder on a local disk, and unset DOTNET_SYSTEM_IO_DISABLEFILELOCKING.";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // cannot even try (a full disk): writing the state will say so where it matters
        }
    }
}
