using ReplicateMcp.Jobs.Storage;

namespace ReplicateMcp.Jobs.Ownership;

/// <summary>An unfinished job and the owner recorded on it (null when none was).</summary>
internal sealed record OwnedJob(string JobId, string? OwnerId);

/// <summary>
/// Which unfinished jobs have lost their owner, and an atomic claim so exactly one of several servers adopts each
/// (CONTRACT §6: "by exactly one of them, even when several start together").
/// A claim is made against the owner that died: <c>claims/&lt;job&gt;@&lt;dead owner&gt;</c> is created with create-new,
/// which the file system grants to one caller only, across processes. When the adopter dies in turn, the next claim
/// names the adopter, so a job can be adopted again.
/// </summary>
internal sealed class JobClaims(string stateDirectory, string currentOwnerId)
{
    private string ClaimsFolder => Path.Combine(stateDirectory, "claims");

    /// <summary>The unfinished jobs whose owner lock is free (or that name no owner), other than this process's own.</summary>
    public IReadOnlyList<OwnedJob> FindOrphans(IEnumerable<OwnedJob> unfinished) =>
        [.. unfinished.Where(j => j.OwnerId != currentOwnerId && (j.OwnerId is null || !OwnerLocks.IsAlive(stateDirectory, j.OwnerId)))];

    /// <summary>
    /// True for exactly one caller, across processes, per job and dead owner; the winner then records itself as the owner.
    /// A claim whose claimant died before recording itself is taken over by a claim against that claimant
    /// (<c>&lt;job&gt;@&lt;owner&gt;+&lt;claimant&gt;</c>), which again only one caller gets. Our own claim (an adoption whose
    /// save failed) is ours to try again.
    /// </summary>
    public bool TryClaim(OwnedJob orphan)
    {
        Directory.CreateDirectory(ClaimsFolder);
        var path = ClaimPath(orphan);
        for (var handOvers = 0; handOvers < MaxHandOvers; handOvers++)
        {
            if (TryCreate(path)) return true;
            var claimant = ReadClaimant(path);
            if (claimant == currentOwnerId) return true;
            if (claimant is null || OwnerLocks.IsAlive(stateDirectory, claimant)) return false;
            path += "+" + claimant;
        }
        return false;
    }

    /// <summary>More dead claimants in a row than this means something else is wrong: leave the job to a person.</summary>
    private const int MaxHandOvers = 16;

    /// <summary>
    /// Creates the claim with create-new (O_EXCL: granted to one caller only, across processes) and writes our id and an end
    /// mark in one write. File.Move without overwrite is no such primitive: on Unix it checks that the target is absent and
    /// then renames, so two callers can both "win" (seen: 2 of 16 in a test).
    /// </summary>
    private bool TryCreate(string path)
    {
        try
        {
            using var claim = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            try
            {
                claim.Write(System.Text.Encoding.ASCII.GetBytes(currentOwnerId + EndMark));
                claim.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                File.Delete(path); // a full disk: no empty claim left behind; the next sweep tries again
                throw;
            }
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A claim precedes spending (an adoption, a retry): one that cannot be written stops it, saying why.
            throw new StateWriteException(ClaimsFolder, ex);
        }
    }

    /// <summary>Ends a complete claim: one without it is still being written, or was left by a claimant that died writing it.</summary>
    private const char EndMark = '\n';

    /// <summary>How long a claim may stay without its end mark before its claimant counts as dead.</summary>
    private static readonly TimeSpan BeingWritten = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The claimant written in a claim; "unknown" for one left empty (an older server, or a claimant that died before
    /// writing); null when it is gone, may still be being written, or names no lock (hand-edited).
    /// </summary>
    private static string? ReadClaimant(string path)
    {
        string text;
        DateTime written;
        try
        {
            text = File.ReadAllText(path);
            written = File.GetLastWriteTimeUtc(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var complete = text.EndsWith(EndMark);
        if (!complete && DateTime.UtcNow - written < BeingWritten) return null;
        // Older servers wrote the id without the mark: after the grace it is read like any claim (a cut-off id names no live lock).
        text = text.Trim();
        if (text.Length == 0) return "unknown";
        return text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? text : null;
    }

    /// <summary>Removes a job's claims once the job itself is deleted (evicted).</summary>
    public void Forget(string jobId)
    {
        if (!Directory.Exists(ClaimsFolder)) return;
        foreach (var claim in Directory.EnumerateFiles(ClaimsFolder, CheckName(jobId, nameof(jobId)) + "@*"))
            File.Delete(claim);
    }

    /// <summary>The claim files there are now (paths).</summary>
    public IReadOnlyList<string> List() => Directory.Exists(ClaimsFolder) ? Directory.GetFiles(ClaimsFolder) : [];

    /// <summary>
    /// Removes those of <paramref name="listedClaims"/> whose job is not among <paramref name="jobIds"/> (evicted by any
    /// server, or moved aside). The claims must be listed before the job files: each listed claim was then made after
    /// its job file was read, hence before the job files were listed, and a job file that is deleted never comes back,
    /// so a claim taken out meanwhile is never judged by an older listing.
    /// </summary>
    public static void ForgetGone(IReadOnlyList<string> listedClaims, IReadOnlySet<string> jobIds)
    {
        foreach (var claim in listedClaims)
        {
            var name = Path.GetFileName(claim);
            var at = name.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || jobIds.Contains(name[..at])) continue;
            try
            {
                File.Delete(claim);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file we may not touch: the next sweep tries again.
            }
        }
    }

    private string ClaimPath(OwnedJob orphan) =>
        Path.Combine(ClaimsFolder, $"{CheckName(orphan.JobId, "jobId")}@{CheckName(orphan.OwnerId ?? "none", "ownerId")}");

    private static string CheckName(string value, string name) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? value
            : throw new ArgumentException($"{name} '{value}' may hold only letters, digits, '-' and '_'.", name);
}
